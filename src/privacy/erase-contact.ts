// Erasing a contact (right to erasure): their personal data, interactions (web and email), list
// memberships and browser mappings go in one transaction, and an audit entry without personal data
// records that it happened.

import { requireContact } from '../history/require-contact.ts';
import { AppError } from '../lib/errors.ts';
import { newId } from '../lib/ids.ts';
import type { Storage } from '../storage/database.ts';
import type { Db } from '../storage/schema.ts';
import {
  deleteContactEmailRows,
  deleteContactPageviews,
  deleteContactRows,
  deleteContactVisits,
  deleteOrphanSuppression,
  deleteVisitors,
  emailMatchOf,
  insertErasure,
  lockContact,
  lockLinkedVisitors,
} from './store.ts';

export interface ErasureCounts {
  contacts: number;
  formSubmissions: number;
  visits: number;
  pageviews: number;
  visitors: number;
  visitorAliases: number;
  prefillTokens: number;
  mergeRecords: number;
  emailEvents: number;
  listMemberships: number;
  sendRecipients: number;
  /** The address's suppression entry, when no other contact has the address. */
  suppressions: number;
}

export interface Erasure {
  erasureId: string;
  contactId: string;
  erasedAt: string;
  deleted: ErasureCounts;
}

/** PostgreSQL aborts one side of a deadlock or serialization conflict; the erasure is simply run again. */
const RETRYABLE = new Set(['40P01', '40001']);

export async function eraseContact(storage: Storage, contactId: string, now = Date.now()): Promise<Erasure> {
  // Outside the transaction: a merged-away or unknown id is refused before anything is locked.
  await requireContact(storage.db, contactId);
  for (let attempt = 1; ; attempt++) {
    try {
      return await storage.db.transaction().execute((tx) => eraseIn(tx, storage.engine, contactId, now));
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (attempt >= 3 || typeof code !== 'string' || !RETRYABLE.has(code)) throw error;
    }
  }
}

async function eraseIn(tx: Db, engine: Storage['engine'], contactId: string, now: number): Promise<Erasure> {
  // The contact row first: a form submission or merge touching this contact finishes before, or waits.
  if (!(await lockContact(tx, engine, contactId))) {
    throw new AppError('not_found', `No contact with id "${contactId}".`);
  }
  // Email rows before browsers: the engagement writer locks recipients before it links a browser.
  const email = await deleteContactEmailRows(tx, contactId);
  // Page views before browsers, the order the tracking writer locks in; then once more after the
  // browsers are locked, for page views committed by writes that held those browsers meanwhile.
  let pageviews = await deleteContactPageviews(tx, contactId);
  const visitorIds = await lockLinkedVisitors(tx, engine, contactId);
  pageviews += await deleteContactPageviews(tx, contactId);
  const visits = await deleteContactVisits(tx, contactId);
  const browsers = await deleteVisitors(tx, visitorIds);
  const emailMatch = await emailMatchOf(tx, contactId);
  const rows = await deleteContactRows(tx, contactId);
  const suppressions = await deleteOrphanSuppression(tx, emailMatch);

  const deleted: ErasureCounts = {
    contacts: rows.contacts,
    formSubmissions: rows.formSubmissions,
    visits,
    pageviews,
    visitors: browsers.visitors,
    visitorAliases: browsers.aliases,
    prefillTokens: rows.prefillTokens,
    mergeRecords: rows.mergeRecords,
    emailEvents: email.emailEvents,
    listMemberships: email.listMemberships,
    sendRecipients: email.sendRecipients,
    suppressions,
  };
  const erasureId = newId();
  await insertErasure(tx, { id: erasureId, contactId, erasedAt: now, counts: { ...deleted } });
  return { erasureId, contactId, erasedAt: new Date(now).toISOString(), deleted };
}
