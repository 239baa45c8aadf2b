// Storage for offers: the offers, each contact's claims, every follow of an offer link (a hit) with its
// reason. The only file that touches these tables. A claim is taken in one transaction by two
// conditional writes (decision 030), which is what keeps the limits exact across nodes.
import type { Kysely, Selectable } from 'kysely';
import { afterBound } from '../platform/interactions/after-bound.ts';
import type { SourceBound } from '../platform/interactions/interaction.ts';
import { recordInteraction } from '../platform/interactions/store.ts';
import type { Database, Db, OfferHitsTable, OfferReason, OffersTable } from '../storage/schema.ts';

export type OfferRow = Selectable<OffersTable>;
export type OfferHitRow = Selectable<OfferHitsTable>;
export type OfferValues = Omit<OfferRow, 'id' | 'claimed' | 'withdrawn_at' | 'created_at' | 'updated_at'>;

/** The interaction feed's name for offers (claims in a contact's timeline). */
export const OFFER_SOURCE = 'offers';

const numeric = (row: OfferRow): OfferRow => ({
  ...row,
  starts_at: Number(row.starts_at),
  ends_at: Number(row.ends_at),
  claim_limit: row.claim_limit === null ? null : Number(row.claim_limit),
  per_contact_limit: Number(row.per_contact_limit),
  claimed: Number(row.claimed),
  withdrawn_at: row.withdrawn_at === null ? null : Number(row.withdrawn_at),
  created_at: Number(row.created_at),
  updated_at: Number(row.updated_at),
});

export async function insertOffer(db: Db, id: string, values: OfferValues, now: number): Promise<void> {
  await db
    .insertInto('offers')
    .values({ id, ...values, withdrawn_at: null, created_at: now, updated_at: now })
    .execute();
}

/** Changes the terms; the claims taken stay (a limit lowered under them leaves the offer exhausted). */
export async function updateOffer(db: Db, id: string, values: OfferValues, now: number): Promise<boolean> {
  const result = await db
    .updateTable('offers')
    .set({ ...values, updated_at: now })
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Withdraws the offer now (once: a second withdrawal keeps the first time). */
export async function withdrawOffer(db: Db, id: string, now: number): Promise<void> {
  await db
    .updateTable('offers')
    .set({ withdrawn_at: now, updated_at: now })
    .where('id', '=', id)
    .where('withdrawn_at', 'is', null)
    .execute();
}

export async function findOffer(db: Db, id: string): Promise<OfferRow | undefined> {
  const row = await db.selectFrom('offers').selectAll().where('id', '=', id).executeTakeFirst();
  return row && numeric(row);
}

/** Newest first. */
export async function listOfferRows(db: Db, limit: number): Promise<OfferRow[]> {
  const rows = await db
    .selectFrom('offers')
    .selectAll()
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map(numeric);
}

export async function existingOfferIds(db: Db, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db
    .selectFrom('offers')
    .select('id')
    .where('id', 'in', [...ids])
    .execute();
  return new Set(rows.map((row) => row.id));
}

/** How many claims of the offer the contact holds. */
export async function claimsOfContact(db: Db, offerId: string, contactId: string): Promise<number> {
  const row = await db
    .selectFrom('offer_claims')
    .select('claims')
    .where('offer_id', '=', offerId)
    .where('contact_id', '=', contactId)
    .executeTakeFirst();
  return Number(row?.claims ?? 0);
}

/** A recipient's offer follows since `since` (the scanner rules' earlier clicks). */
export async function recentHitsOf(db: Db, sendId: string, contactId: string, since: number) {
  return db
    .selectFrom('offer_hits')
    .select(['occurred_at', 'source_hash', 'reason'])
    .where('send_id', '=', sendId)
    .where('contact_id', '=', contactId)
    .where('occurred_at', '>=', since)
    .execute();
}

export type NewHit = Omit<OfferHitRow, 'reason'>;

export async function insertHit(db: Db, hit: NewHit, reason: OfferReason): Promise<void> {
  await db
    .insertInto('offer_hits')
    .values({ ...hit, reason })
    .execute();
}

/** Thrown inside the claim transaction to roll it back with the reason no claim was taken. */
class Refused extends Error {
  constructor(readonly reason: OfferReason) {
    super(reason);
  }
}

/**
 * Takes one claim of the offer for the contact, or says why not — exactly, however many nodes and
 * requests race: (1) the contact's row goes up by one only while under the per-contact limit (an upsert
 * whose update has that condition; a racing first claim of the same contact waits on the key and then
 * sees the row), (2) the offer's counter goes up by one only while under the total limit and inside the
 * window (one conditional update: racing updates of the row wait and re-check the condition), (3) the
 * hit, logged as the contact's interaction. All or nothing: a refusal rolls (1) back. Always in this
 * order (contact row, then offer row), so two claims never wait on each other in a circle.
 */
export async function takeClaim(
  db: Kysely<Database>,
  offer: Pick<OfferRow, 'id' | 'per_contact_limit'>,
  hit: NewHit,
): Promise<OfferReason> {
  try {
    return await db.transaction().execute(async (tx) => {
      const now = hit.occurred_at;
      const mine = await tx
        .insertInto('offer_claims')
        .values({
          offer_id: offer.id,
          contact_id: hit.contact_id,
          claims: 1,
          first_claimed_at: now,
          last_claimed_at: now,
        })
        .onConflict((oc) =>
          oc
            .columns(['offer_id', 'contact_id'])
            .doUpdateSet((eb) => ({
              claims: eb('offer_claims.claims', '+', 1),
              last_claimed_at: now,
            }))
            .where('offer_claims.claims', '<', offer.per_contact_limit),
        )
        .returning('claims')
        .executeTakeFirst();
      if (!mine) throw new Refused('already_claimed');
      const taken = await tx
        .updateTable('offers')
        .set((eb) => ({ claimed: eb('claimed', '+', 1) }))
        .where('id', '=', offer.id)
        .where('withdrawn_at', 'is', null)
        .where('starts_at', '<=', now)
        .where('ends_at', '>', now)
        .where((eb) => eb.or([eb('claim_limit', 'is', null), eb('claimed', '<', eb.ref('claim_limit'))]))
        .returning('claimed')
        .executeTakeFirst();
      if (!taken) throw new Refused(await refusalOf(tx, offer.id, now));
      await tx
        .insertInto('offer_hits')
        .values({ ...hit, reason: 'claimed' })
        .execute();
      await recordInteraction(tx, OFFER_SOURCE, hit.id);
      return 'claimed' as const;
    });
  } catch (error) {
    if (!(error instanceof Refused)) throw error;
    await insertHit(db, hit, error.reason);
    return error.reason;
  }
}

/** Why the offer's counter would not move (read after the conditional update refused). */
async function refusalOf(db: Db, offerId: string, now: number): Promise<OfferReason> {
  const row = await findOffer(db, offerId);
  if (!row || row.withdrawn_at !== null) return 'withdrawn';
  if (now < row.starts_at) return 'not_started';
  if (now >= row.ends_at) return 'ended';
  return 'exhausted';
}

// ---- insights ----

export async function hitCountsOf(db: Db, offerId: string): Promise<Map<OfferReason, number>> {
  const rows = await db
    .selectFrom('offer_hits')
    .select(['reason', (eb) => eb.fn.countAll<string | number>().as('hits')])
    .where('offer_id', '=', offerId)
    .groupBy('reason')
    .execute();
  return new Map(rows.map((row) => [row.reason, Number(row.hits)]));
}

/** Contacts who followed the offer's link themselves (machines left out), and those who claimed it. */
export async function peopleOf(db: Db, offerId: string): Promise<{ clickers: number; claimants: number }> {
  const clickers = await db
    .selectFrom('offer_hits')
    .select((eb) => eb.fn.count<string | number>('contact_id').distinct().as('n'))
    .where('offer_id', '=', offerId)
    .where('reason', '<>', 'machine')
    .executeTakeFirst();
  const claimants = await db
    .selectFrom('offer_claims')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('offer_id', '=', offerId)
    .executeTakeFirst();
  return { clickers: Number(clickers?.n ?? 0), claimants: Number(claimants?.n ?? 0) };
}

// ---- a contact's claims (the interaction feed) ----

function claimHits(db: Db) {
  return db
    .selectFrom('offer_hits')
    .innerJoin('offers', 'offers.id', 'offer_hits.offer_id')
    .select([
      'offer_hits.id',
      'offer_hits.offer_id',
      'offers.name as offer_name',
      'offer_hits.send_id',
      'offer_hits.contact_id',
      'offer_hits.occurred_at',
    ])
    .where('offer_hits.reason', '=', 'claimed');
}

export type ClaimHitRow = Awaited<ReturnType<typeof claimHitsOfContact>>[number];

export async function claimHitsOfContact(
  db: Db,
  contactId: string,
  bound: SourceBound | null,
  limit: number,
) {
  let query = claimHits(db).where('offer_hits.contact_id', '=', contactId);
  if (bound) query = query.where(afterBound('offer_hits.occurred_at', 'offer_hits.id', bound));
  return query
    .orderBy('offer_hits.occurred_at', 'desc')
    .orderBy('offer_hits.id', 'desc')
    .limit(limit)
    .execute();
}

export async function claimHitsByIds(db: Db, ids: readonly string[]) {
  if (ids.length === 0) return [];
  return claimHits(db)
    .where('offer_hits.id', 'in', [...ids])
    .execute();
}

// ---- one contact's offers (the personal-data registry) ----

export async function claimsForExport(db: Db, contactId: string) {
  return db
    .selectFrom('offer_claims')
    .innerJoin('offers', 'offers.id', 'offer_claims.offer_id')
    .select([
      'offer_claims.offer_id',
      'offers.name',
      'offer_claims.claims',
      'offer_claims.first_claimed_at',
      'offer_claims.last_claimed_at',
    ])
    .where('offer_claims.contact_id', '=', contactId)
    .orderBy('offer_claims.first_claimed_at')
    .execute();
}

export async function hitsForExport(db: Db, contactId: string) {
  return db
    .selectFrom('offer_hits')
    .select(['id', 'offer_id', 'send_id', 'reason', 'machine_reason', 'method', 'user_agent', 'occurred_at'])
    .where('contact_id', '=', contactId)
    .orderBy('occurred_at')
    .orderBy('id')
    .execute();
}

/**
 * Deletes the contact's claims and follows. The offers' counters keep the claims: a claim taken was
 * taken (the coupon may be in use); it just no longer names anyone.
 */
export async function deleteOffersOf(db: Db, contactId: string) {
  const claims = await db.deleteFrom('offer_claims').where('contact_id', '=', contactId).executeTakeFirst();
  const hits = await db.deleteFrom('offer_hits').where('contact_id', '=', contactId).executeTakeFirst();
  return { offerClaims: Number(claims.numDeletedRows), offerHits: Number(hits.numDeletedRows) };
}

/** A merged-away contact's claims become the winner's (added up where both claimed the same offer). */
export async function moveOffers(db: Db, fromContactId: string, toContactId: string): Promise<void> {
  const loser = await db
    .selectFrom('offer_claims')
    .selectAll()
    .where('contact_id', '=', fromContactId)
    .execute();
  for (const claim of loser) {
    const moved = await db
      .updateTable('offer_claims')
      .set((eb) => ({ claims: eb('claims', '+', Number(claim.claims)) }))
      .where('offer_id', '=', claim.offer_id)
      .where('contact_id', '=', toContactId)
      .executeTakeFirst();
    if (Number(moved.numUpdatedRows) > 0)
      await db
        .deleteFrom('offer_claims')
        .where('offer_id', '=', claim.offer_id)
        .where('contact_id', '=', fromContactId)
        .execute();
  }
  await db
    .updateTable('offer_claims')
    .set({ contact_id: toContactId })
    .where('contact_id', '=', fromContactId)
    .execute();
  await db
    .updateTable('offer_hits')
    .set({ contact_id: toContactId })
    .where('contact_id', '=', fromContactId)
    .execute();
}
