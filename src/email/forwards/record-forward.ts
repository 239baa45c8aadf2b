// A post of the forward form: the addresses checked, each logged as a forward (a copy row) and, when the
// friend may get it, queued for the copy job, all in one transaction (answered only once durable). The
// forwarder's own limit refuses with a message; what we know about a friend (suppressed, unsubscribed, over
// the per-address limit) changes only that copy's row, never the answer (decision 026).
import { findContactRow, findContactsByEmail } from '../../contacts/store.ts';
import { newId } from '../../lib/ids.ts';
import { membershipsOf } from '../../lists/store.ts';
import { recordInteraction } from '../../platform/interactions/store.ts';
import { enqueueJob } from '../../platform/jobs/store.ts';
import type { Storage } from '../../storage/database.ts';
import { lockMatchKeys } from '../../storage/match-key-locks.ts';
import type { Db, ForwardCopyStatus } from '../../storage/schema.ts';
import { addToCounters } from '../counters/store.ts';
import { listIdsOf } from '../sends/prepare-send.ts';
import { findSend } from '../sends/store.ts';
import { currentSuppression } from '../suppression/store.ts';
import { FORWARD_COUNTER } from './forward-counters.ts';
import { FORWARD_SOURCE } from './forward-interactions.ts';
import {
  type ForwardLimits,
  type FriendAddress,
  type FriendVerdict,
  forwarderRefusal,
  friendVerdict,
  readFriendAddresses,
} from './forward-rules.ts';
import { copiesByForwarder, copiesToFriendSince, insertCopies, insertForward } from './store.ts';

export const FORWARD_COPY_JOB = 'email.forward-copy';
const DAY_MS = 86_400_000;

export interface ForwardPost {
  sendId: string;
  contactId: string;
  /** The address fields as posted (blank ones ignored). */
  fields: readonly string[];
  /** The hidden field people never see was filled: a bot. */
  honeypot: boolean;
  now: number;
}

export type ForwardResult = { done: true } | { done: false; problem: string } | 'gone';

export interface ForwardDeps {
  storage: Storage;
  limits: ForwardLimits;
  /** The keyed hash a friend's address is kept as (the install's hash key, src/secrets). */
  hashFriend: (match: string) => string;
}

/** What decides whether one friend gets the copy, read at the post and again just before sending. */
export async function judgeFriend(
  db: Db,
  friend: FriendAddress,
  sendListIds: readonly string[],
  limits: ForwardLimits,
  copiesLastDay: number,
  now: number,
): Promise<FriendVerdict> {
  const suppression = await currentSuppression(db, friend.match);
  const contacts = await Promise.all(
    (await findContactsByEmail(db, friend.match)).map(async (contact) => ({
      doNotEmail: Number(contact.do_not_email) === 1,
      memberships: (await membershipsOf(db, contact.id)).map((m) => ({
        listId: m.list_id,
        status: m.status === 'subscribed' ? ('subscribed' as const) : ('unsubscribed' as const),
      })),
    })),
  );
  const suppressed = suppression !== undefined && (suppression.until === null || suppression.until > now);
  return friendVerdict({ suppressed, contacts, copiesLastDay }, sendListIds, limits);
}

const statusOf = (verdict: FriendVerdict): ForwardCopyStatus =>
  verdict === 'send' ? 'queued' : verdict === 'limited' ? 'limited' : 'blocked';

export async function recordForward(deps: ForwardDeps, post: ForwardPost): Promise<ForwardResult> {
  // A bot that filled the hidden field gets the people's answer and leaves nothing behind (as forms do).
  if (post.honeypot) return { done: true };
  const entered = readFriendAddresses(post.fields, deps.limits);
  if (!entered.ok) return { done: false, problem: entered.problem };
  const { storage, limits } = deps;
  const send = await findSend(storage.db, post.sendId);
  if (!send || !(await findContactRow(storage.db, post.contactId))) return 'gone';
  const friends = entered.addresses.map((friend) => ({ ...friend, hash: deps.hashFriend(friend.match) }));

  return storage.db.transaction().execute(async (tx) => {
    // One post at a time per forwarder and per friend address, so neither limit is passed by racing posts.
    await lockMatchKeys(tx, storage.engine, [
      `forward:${post.sendId}:${post.contactId}`,
      ...friends.map((friend) => `forward-friend:${friend.hash}`),
    ]);
    const already = await copiesByForwarder(tx, post.sendId, post.contactId);
    const refusal = forwarderRefusal(already, friends.length, limits);
    if (refusal) return { done: false, problem: refusal };

    const forwardId = newId();
    const counters = new Map<string, number>([[FORWARD_COUNTER.logged, friends.length]]);
    if (already === 0) counters.set(FORWARD_COUNTER.forwarders, 1);
    const copies = [];
    for (const friend of friends) {
      const lastDay = await copiesToFriendSince(tx, friend.hash, post.now - DAY_MS);
      const verdict = await judgeFriend(tx, friend, listIdsOf(send), limits, lastDay, post.now);
      const status = statusOf(verdict);
      if (status !== 'queued') {
        const name = FORWARD_COUNTER.outcome(status === 'limited' ? 'limited' : 'blocked');
        counters.set(name, (counters.get(name) ?? 0) + 1);
      }
      copies.push({
        id: newId(),
        forward_id: forwardId,
        send_id: post.sendId,
        contact_id: post.contactId,
        friend_hash: friend.hash,
        // Only a copy that will be sent keeps the address, and only until it is.
        email: status === 'queued' ? friend.email : null,
        status,
        detail: verdict === 'send' ? null : verdict,
        created_at: post.now,
        sent_at: null,
      });
    }
    await insertForward(tx, {
      id: forwardId,
      send_id: post.sendId,
      contact_id: post.contactId,
      addresses: friends.length,
      created_at: post.now,
    });
    await insertCopies(tx, copies);
    for (const copy of copies)
      if (copy.status === 'queued')
        await enqueueJob(
          tx,
          { kind: FORWARD_COPY_JOB, key: copy.id, payload: { copyId: copy.id } },
          post.now,
        );
    await addToCounters(tx, post.sendId, counters);
    await recordInteraction(tx, FORWARD_SOURCE, forwardId);
    return { done: true };
  });
}
