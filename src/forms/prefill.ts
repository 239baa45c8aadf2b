// Prefill: a contact who ticked "remember me" gets a random token (cookie); forms fill their
// prefill-marked fields from it. The token carries no personal data and only its hash is stored.
import { randomBytes } from 'node:crypto';
import { STANDARD_FIELDS, type StandardField } from '../contacts/contact.ts';
import { findContact, setPrefillAllowed } from '../contacts/store.ts';
import { sha256Hex } from '../lib/ids.ts';
import type { Db } from '../storage/schema.ts';

export { PREFILL_COOKIE } from '../cookies/definitions.ts';

import type { Form } from './form.ts';
import { deletePrefillTokensOf, findPrefillToken, insertPrefillToken } from './store.ts';

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** Records the contact's choice; returns a new token when they chose to be remembered. */
export async function rememberChoice(
  db: Db,
  contactId: string,
  remember: boolean,
  now: number,
): Promise<string | null> {
  await setPrefillAllowed(db, contactId, remember);
  if (!remember) {
    // Unticking "remember me" withdraws prefill everywhere, as Dynamics 365 does.
    await deletePrefillTokensOf(db, contactId);
    return null;
  }
  const token = randomBytes(32).toString('base64url');
  await insertPrefillToken(db, sha256Hex(token), contactId, now);
  return token;
}

/** The prefill-marked fields' values for the token's contact; empty unless every gate is open. */
export async function prefillValues(
  db: Db,
  form: Form,
  token: string | null,
  maxAgeDays: number,
): Promise<Record<string, string>> {
  if (!form.definition.prefill || !token || !TOKEN.test(token)) return {};
  const row = await findPrefillToken(db, sha256Hex(token));
  if (!row || Date.now() - Number(row.created_at) > maxAgeDays * 86_400_000) return {};
  const contact = await findContact(db, row.contact_id);
  if (!contact?.prefillAllowed) return {};
  const values: Record<string, string> = {};
  for (const field of form.definition.fields) {
    if (!field.prefill) continue;
    const value = (STANDARD_FIELDS as readonly string[]).includes(field.key)
      ? contact[field.key as StandardField]
      : contact.custom[field.key];
    if (value !== null && value !== undefined) values[field.key] = String(value);
  }
  return values;
}
