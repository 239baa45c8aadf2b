// A follow of a recipient's offer link: who it is (the sealed token: offer × send × contact), whether a
// machine made it (the email scanner rules, with this recipient's earlier clicks on the email and on
// its offer links), then a claim attempted or a refusal recorded, and where the person goes.

import type { NetworkLabel } from '../email/engagement/machine-ranges.ts';
import { classifyClick, type EarlierClick, LOOKBACK_MS } from '../email/engagement/scanner-rules.ts';
import { recentClicksOf } from '../email/engagement/store.ts';
import { recipientSentAt } from '../email/sends/store.ts';
import { newId } from '../lib/ids.ts';
import type { Storage } from '../storage/database.ts';
import { termsOf, urlsOf } from './offer.ts';
import { type ClosedState, decideFollow, type OfferReason, stateOf, urlOfReason } from './offer-rules.ts';
import { claimsOfContact, findOffer, insertHit, type OfferRow, recentHitsOf, takeClaim } from './store.ts';

/** An offer link is not one of the email's links: its own position for the burst rule. */
const OFFER_POSITION = -1;

export interface OfferFollow {
  offerId: string;
  sendId: string;
  contactId: string;
  method: string;
  userAgent: string | null;
  network: NetworkLabel | null;
  /** Keyed hash of the client address; of send × contact (how engagement names the recipient). */
  sourceHash: string;
  recipientKey: string;
  at: number;
}

export type FollowOutcome = { found: false } | { found: true; reason: OfferReason; location: string };

export async function followOffer(
  storage: Storage,
  follow: OfferFollow,
  spoorPage: (offerId: string, state: ClosedState) => string,
): Promise<FollowOutcome> {
  const { db } = storage;
  const [offer, recipient] = await Promise.all([
    findOffer(db, follow.offerId),
    recipientSentAt(db, follow.sendId, follow.contactId),
  ]);
  // A contact erased since (their recipient row went with them) or an offer that is gone: not a link any more.
  if (!offer || !recipient) return { found: false };
  const since = follow.at - LOOKBACK_MS;
  const [clicks, hits, contactClaims] = await Promise.all([
    recentClicksOf(db, follow.sendId, follow.recipientKey, since),
    recentHitsOf(db, follow.sendId, follow.contactId, since),
    claimsOfContact(db, offer.id, follow.contactId),
  ]);
  const earlier: EarlierClick[] = [
    ...clicks.map((c) => ({
      position: Number(c.link_position ?? 0),
      at: Number(c.occurred_at),
      sourceHash: c.source_hash,
      honeypot: Number(c.honeypot ?? 0) === 1,
      machine: Number(c.machine) === 1,
    })),
    ...hits.map((h) => ({
      position: OFFER_POSITION,
      at: Number(h.occurred_at),
      sourceHash: h.source_hash,
      honeypot: false,
      machine: h.reason === 'machine',
    })),
  ];
  const verdict = classifyClick({
    method: follow.method,
    userAgent: follow.userAgent,
    network: follow.network,
    msSinceDelivery: recipient.sent_at === null ? null : follow.at - Number(recipient.sent_at),
    honeypot: false,
    position: OFFER_POSITION,
    at: follow.at,
    sourceHash: follow.sourceHash,
    earlier,
  });
  const hit = {
    id: newId(),
    offer_id: offer.id,
    send_id: follow.sendId,
    contact_id: follow.contactId,
    machine_reason: verdict.reason,
    method: follow.method,
    user_agent: follow.userAgent?.slice(0, 512) ?? null,
    source_hash: follow.sourceHash,
    occurred_at: follow.at,
  };
  const terms = termsOf(offer);
  const decision = decideFollow(terms, { machine: verdict.machine, contactClaims }, follow.at);
  let reason: OfferReason;
  if (decision.attempt) reason = await takeClaim(db, offer, hit);
  else {
    reason = decision.reason;
    await insertHit(db, hit, reason);
  }
  return { found: true, reason, location: locationOf(offer, reason, follow.at, spoorPage) };
}

/** Where a reason sends the person, from the offer as read before the claim (its URLs do not race). */
export function locationOf(
  offer: OfferRow,
  reason: OfferReason,
  now: number,
  spoorPage: (offerId: string, state: ClosedState) => string,
): string {
  return urlOfReason(urlsOf(offer), reason, stateOf(termsOf(offer), now), (state) =>
    spoorPage(offer.id, state),
  );
}
