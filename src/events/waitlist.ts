// Places after registration: cancelling frees a place, the waitlist gets it. Every change runs in one
// transaction that first locks the event's row (store.lockEvent), so the counters and the queue of an
// event change one at a time across nodes; each place moves by one conditional update (decision 033).
// A freed place is held for the next waitlisted person whose pass and sessions fit (their counters are
// taken at once: nobody else can grab it), and a mail job and an expiry job are enqueued with it.

import { newId } from '../lib/ids.ts';
import { enqueueJob } from '../platform/jobs/store.ts';
import type { Db } from '../storage/schema.ts';
import { enqueueRegistrationMail } from './calendar/mail.ts';
import * as store from './store.ts';
import { nextOfferProblem, type OfferState, offerState } from './waitlist-rules.ts';

export const WAITLIST_MAIL_JOB = 'events.waitlist-mail';
export const WAITLIST_EXPIRY_JOB = 'events.waitlist-offer-expiry';
/** How far down the queue one freed place looks for someone whose pass and sessions fit. */
const QUEUE_LOOK = 200;

export type ChangeKind =
  | 'registered'
  | 'waitlisted'
  | 'cancelled'
  | 'left_waitlist'
  | 'place_offered'
  | 'offer_accepted'
  | 'offer_declined'
  | 'offer_expired';

interface Places {
  eventId: string;
  passId: string | null;
  sessionIds: readonly string[];
}

export async function recordChange(
  tx: Db,
  row: { id: string; eventId: string; contactId: string },
  change: ChangeKind,
  now: number,
): Promise<void> {
  await store.insertRegistrationChange(tx, {
    id: newId(),
    registrationId: row.id,
    eventId: row.eventId,
    contactId: row.contactId,
    change,
    occurredAt: now,
  });
}

/** Takes every place of a registration, or none (those taken are given back): what was full, or null. */
export async function takePlaces(tx: Db, places: Places): Promise<'event' | 'pass' | string | null> {
  const taken: Array<['events' | 'event_passes' | 'event_sessions', string]> = [];
  const steps: Array<['events' | 'event_passes' | 'event_sessions', string, string]> = [
    ['events', places.eventId, 'event'],
    ...(places.passId ? [['event_passes', places.passId, 'pass'] as ['event_passes', string, string]] : []),
    ...[...places.sessionIds]
      .sort()
      .map((id) => ['event_sessions', id, id] as ['event_sessions', string, string]),
  ];
  for (const [table, id, name] of steps) {
    if (!(await store.takePlace(tx, table, id))) {
      for (const [t, i] of taken) await store.releasePlace(tx, t, i);
      return name;
    }
    taken.push([table, id]);
  }
  return null;
}

export async function releasePlaces(tx: Db, places: Places): Promise<void> {
  await store.releasePlace(tx, 'events', places.eventId);
  if (places.passId) await store.releasePlace(tx, 'event_passes', places.passId);
  for (const id of [...places.sessionIds].sort()) await store.releasePlace(tx, 'event_sessions', id);
}

/**
 * Holds freed places for the waitlist, first come first served among those whose pass and sessions fit,
 * until none is left or the event is full. Call inside the transaction that freed them (event locked).
 */
export async function offerFreedPlaces(
  tx: Db,
  eventId: string,
  offerMs: number,
  now: number,
): Promise<number> {
  let offered = 0;
  for (const row of await store.waitingQueue(tx, eventId, QUEUE_LOOK)) {
    const full = await takePlaces(tx, row);
    if (full === 'event') break;
    if (full !== null) continue;
    const expiresAt = now + offerMs;
    const held = await store.changeRegistration(
      tx,
      row.id,
      { status: 'waitlisted', offeredAt: null },
      { status: 'waitlisted', offeredAt: now, offerExpiresAt: expiresAt },
    );
    if (!held) {
      await releasePlaces(tx, row);
      continue;
    }
    await recordChange(tx, row, 'place_offered', now);
    const key = `${row.id}.${now}`;
    await enqueueJob(
      tx,
      { kind: WAITLIST_MAIL_JOB, key, payload: { registrationId: row.id, offeredAt: now } },
      now,
    );
    await enqueueJob(
      tx,
      {
        kind: WAITLIST_EXPIRY_JOB,
        key,
        payload: { registrationId: row.id, offeredAt: now },
        runAt: expiresAt,
      },
      now,
    );
    offered++;
  }
  return offered;
}

/** Runs `work` in a transaction with the event's row locked (or in the caller's transaction). */
export async function inEventTransaction<T>(
  db: Db,
  eventId: string,
  work: (tx: Db) => Promise<T>,
): Promise<T> {
  const run = async (tx: Db) => {
    await store.lockEvent(tx, eventId);
    return work(tx);
  };
  return db.isTransaction ? run(db) : db.transaction().execute(run);
}

export type EndOutcome = 'done' | 'gone';

/**
 * Ends a registration or waitlist place: `cancel` (the contact, from the portal), `leave` (the leave link),
 * `decline` (the offer link's decline), `expire` (the expiry job). Gives back any place it held, and offers
 * freed places to the queue, all in one transaction. 'gone' when it was no longer in the state asked
 * (already cancelled, the offer accepted or expired meanwhile): nothing changed.
 */
export async function endRegistration(
  db: Db,
  registrationId: string,
  how: 'cancel' | 'leave' | 'decline' | 'expire',
  options: { offerMs: number; now?: number; offeredAt?: number; contactId?: string },
): Promise<EndOutcome> {
  const first = await store.findRegistration(db, registrationId);
  if (!first || (options.contactId !== undefined && first.contactId !== options.contactId)) return 'gone';
  return inEventTransaction(db, first.eventId, async (tx) => {
    const now = options.now ?? Date.now();
    // Read again under the event's lock: what it holds now is what is given back.
    const row = await store.findRegistration(tx, registrationId);
    if (!row) return 'gone';
    const state: OfferState = offerState(row, now);
    const problem = nextOfferProblem(how, state, row.offeredAt, options.offeredAt);
    if (problem) return 'gone';
    const holds = state === 'registered' || state === 'offered' || state === 'offer_expired';
    const changed = await store.changeRegistration(
      tx,
      row.id,
      {
        status: row.status,
        offeredAt: row.offeredAt,
        ...(how === 'expire' ? { expiredBy: now } : {}),
      },
      { status: 'cancelled', offeredAt: null, offerExpiresAt: null, cancelledAt: now },
    );
    if (!changed) return 'gone';
    const change: ChangeKind =
      how === 'expire'
        ? 'offer_expired'
        : how === 'decline'
          ? 'offer_declined'
          : row.status === 'waitlisted'
            ? 'left_waitlist'
            : 'cancelled';
    await recordChange(tx, row, change, now);
    // A registered person's calendar drops the event; someone never invited gets nothing (the mail's rule).
    await enqueueRegistrationMail(tx, row.id, 'cancel', {}, now);
    if (holds) {
      await releasePlaces(tx, row);
      await offerFreedPlaces(tx, row.eventId, options.offerMs, now);
    }
    return 'done';
  });
}

/** Accepts a held place: the waitlisted row becomes registered (its places are taken already). */
export async function acceptOffer(
  db: Db,
  registrationId: string,
  offeredAt: number,
  now = Date.now(),
): Promise<'accepted' | 'expired' | 'gone'> {
  const first = await store.findRegistration(db, registrationId);
  if (!first) return 'gone';
  return inEventTransaction(db, first.eventId, async (tx) => {
    const row = await store.findRegistration(tx, registrationId);
    if (row?.status !== 'waitlisted' || row.offeredAt !== offeredAt) return 'gone';
    const accepted = await store.changeRegistration(
      tx,
      row.id,
      { status: 'waitlisted', offeredAt, liveAt: now },
      { status: 'registered', offeredAt: null, offerExpiresAt: null },
    );
    if (!accepted) return 'expired';
    await recordChange(tx, row, 'offer_accepted', now);
    await enqueueRegistrationMail(tx, row.id, 'request', {}, now);
    return 'accepted';
  });
}
