// Preparing a send: its link table, and one recipient row per contact on its lists, each pending or
// blocked (with the reason) by the permission rule. Contacts are taken in id order, a chunk per
// transaction, so a 1,000,000-recipient send never holds the database for long and a node that dies
// half-way is followed by another that carries on after the last contact written.

import type { Storage } from '../../storage/database.ts';
import { COUNTER, domainOf } from '../counters/counter-names.ts';
import { addToCounters } from '../counters/store.ts';
import { prepareMessage } from '../messages/render-email.ts';
import { blockReasonOf } from './permission-rules.ts';
import {
  addPreparedTotals,
  advanceStatus,
  candidatesBetween,
  chunkBoundOnList,
  insertLinks,
  insertRecipients,
  type NewRecipient,
  preparedUpTo,
  type SendRow,
  smallestContactId,
} from './store.ts';

/** Contacts per list per transaction. */
const CHUNK = 1000;

export class LeaseLost extends Error {}

export function snapshotOf(send: SendRow) {
  return { subject: send.subject, html: send.html, text: send.text };
}

export function listIdsOf(send: SendRow): string[] {
  return JSON.parse(send.list_ids) as string[];
}

/** Expands the next chunk of contacts; false when every contact on the lists has been expanded. */
async function prepareChunk(storage: Storage, send: SendRow, owner: string): Promise<boolean> {
  const listIds = listIdsOf(send);
  return storage.db.transaction().execute(async (trx) => {
    const after = await preparedUpTo(trx, send.id);
    const bounds: string[] = [];
    for (const listId of listIds) {
      const bound = await chunkBoundOnList(trx, listId, after, CHUNK);
      if (bound !== null) bounds.push(bound);
    }
    // The smallest bound in the database's own ordering (its collation need not be JavaScript's).
    const upTo = await smallestContactId(trx, bounds);
    const candidates = await candidatesBetween(trx, listIds, after, upTo);

    const counters = new Map<string, number>();
    const add = (name: string, by: number) => counters.set(name, (counters.get(name) ?? 0) + by);
    let memberships = 0;
    const rows = candidates.map((candidate): NewRecipient => {
      memberships += candidate.memberships;
      const reason = blockReasonOf({
        memberships: candidate.memberships,
        subscribed: candidate.subscribed,
        doNotEmail: candidate.do_not_email === 1,
        email: candidate.email,
        suppressed: candidate.suppressed === 1,
      });
      if (reason) add(COUNTER.blocked(reason), 1);
      // Results by recipient domain: each contact once (duplicates are not recipients twice).
      const domain = domainOf(candidate.email);
      if (domain) {
        add(COUNTER.domain(domain, 'recipients'), 1);
        if (reason) add(COUNTER.domain(domain, 'blocked'), 1);
      }
      return {
        contact_id: candidate.contact_id,
        email: candidate.email,
        status: reason ? 'blocked' : 'pending',
        block_reason: reason,
      };
    });
    const duplicates = memberships - rows.length;
    if (!(await addPreparedTotals(trx, send.id, owner, memberships, duplicates))) throw new LeaseLost();
    await insertRecipients(trx, send.id, rows);
    add(COUNTER.recipients, memberships);
    add(COUNTER.duplicates, duplicates);
    await addToCounters(trx, send.id, counters);
    return upTo !== null;
  });
}

/** Prepares the send to the end (or until `shouldStop`); true once it is ready for sending. */
export async function prepareSend(
  storage: Storage,
  send: SendRow,
  owner: string,
  shouldStop: () => boolean,
): Promise<boolean> {
  const links = prepareMessage(snapshotOf(send)).links;
  for (;;) {
    if (shouldStop()) return false;
    if (!(await prepareChunk(storage, send, owner))) break;
  }
  return storage.db.transaction().execute(async (trx) => {
    await insertLinks(trx, send.id, links);
    return advanceStatus(trx, send.id, owner, 'preparing', 'sending', Date.now());
  });
}
