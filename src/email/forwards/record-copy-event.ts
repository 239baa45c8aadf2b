// Records one open or click of a friend's forwarded copy: in one transaction the copy is read (and locked),
// its earlier events planned against with the existing machine and scanner rules (copy-event-plan.ts),
// the events written and the send's forward counters moved. Attributed to the send and, through the copy,
// the forwarder; never to a contact (the friend is none, and the forwarder did not open it). Off the
// contacts' hot path: forwards are few, and their writes never wait in the engagement writer's batches.
import { newId } from '../../lib/ids.ts';
import type { Storage } from '../../storage/database.ts';
import { addToCounters } from '../counters/store.ts';
import { type CopyHit, planCopyHit } from './copy-event-plan.ts';
import { copyForEvents, eventsOfCopy, writeCopyEvents } from './store.ts';

// PostgreSQL refuses NUL in text; a user agent is a label, 512 characters are plenty.
const cleanUserAgent = (ua: string | null) => (ua ? ua.replaceAll('\0', '').slice(0, 512) : null);

/** False when the copy is unknown (a forged pair, or erased with its forwarder): nothing written. */
export async function recordCopyEvent(
  storage: Storage,
  copy: { sendId: string; copyId: string },
  hit: Omit<CopyHit, 'sentAt'>,
): Promise<{ recorded: boolean; machine: boolean }> {
  return storage.db.transaction().execute(async (tx) => {
    const row = await copyForEvents(tx, storage.engine, copy.copyId);
    if (!row || row.send_id !== copy.sendId) return { recorded: false, machine: false };
    const earlier = await eventsOfCopy(tx, copy.copyId);
    const plan = planCopyHit(
      earlier,
      { ...hit, sentAt: row.sent_at === null ? null : Number(row.sent_at) },
      newId,
    );
    await writeCopyEvents(
      tx,
      { id: copy.copyId, sendId: copy.sendId },
      plan.insert,
      plan.relabel,
      cleanUserAgent(hit.userAgent),
    );
    await addToCounters(tx, copy.sendId, plan.counters);
    return { recorded: true, machine: plan.machine };
  });
}
