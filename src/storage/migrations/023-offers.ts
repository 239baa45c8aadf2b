// Offers (src/offers, docs/offers.md, decision 030): managed links with a validity window and claim
// limits. `offers.claimed` is the counter a claim takes with one conditional update (`claimed <
// claim_limit`); `offer_claims` holds each contact's claims of an offer, one row per offer × contact, so
// the per-contact limit is one conditional upsert too. `offer_hits` is every follow of an offer link with
// its reason. `send_offers` (the sends domain's) names the offers each send's message carries, for
// "delivered".
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations run against whatever the schema was at the time.
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('offers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('claim_url', 'text', (c) => c.notNull())
    .addColumn('not_started_url', 'text')
    .addColumn('ended_url', 'text')
    .addColumn('exhausted_url', 'text')
    .addColumn('withdrawn_url', 'text')
    .addColumn('time_zone', 'text', (c) => c.notNull())
    .addColumn('starts_local', 'text', (c) => c.notNull())
    .addColumn('ends_local', 'text', (c) => c.notNull())
    .addColumn('starts_at', 'bigint', (c) => c.notNull())
    .addColumn('ends_at', 'bigint', (c) => c.notNull())
    .addColumn('claim_limit', 'bigint')
    .addColumn('per_contact_limit', 'bigint', (c) => c.notNull().defaultTo(1))
    .addColumn('claimed', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('withdrawn_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('offers_by_created').on('offers').columns(['created_at', 'id']).execute();

  await db.schema
    .createTable('offer_claims')
    .addColumn('offer_id', 'text', (c) => c.notNull().references('offers.id').onDelete('cascade'))
    .addColumn('contact_id', 'text', (c) => c.notNull())
    .addColumn('claims', 'bigint', (c) => c.notNull())
    .addColumn('first_claimed_at', 'bigint', (c) => c.notNull())
    .addColumn('last_claimed_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('offer_claims_pk', ['offer_id', 'contact_id'])
    .execute();
  await db.schema.createIndex('offer_claims_by_contact').on('offer_claims').column('contact_id').execute();

  await db.schema
    .createTable('offer_hits')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('offer_id', 'text', (c) => c.notNull().references('offers.id').onDelete('cascade'))
    .addColumn('send_id', 'text', (c) => c.notNull())
    .addColumn('contact_id', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('machine_reason', 'text')
    .addColumn('method', 'text', (c) => c.notNull())
    .addColumn('user_agent', 'text')
    .addColumn('source_hash', 'text')
    .addColumn('occurred_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('offer_hits_by_offer')
    .on('offer_hits')
    .columns(['offer_id', 'reason'])
    .execute();
  await db.schema
    .createIndex('offer_hits_by_contact')
    .on('offer_hits')
    .columns(['contact_id', 'occurred_at', 'id'])
    .execute();
  await db.schema
    .createIndex('offer_hits_by_recipient')
    .on('offer_hits')
    .columns(['send_id', 'contact_id', 'occurred_at'])
    .execute();

  await db.schema
    .createTable('send_offers')
    .addColumn('send_id', 'text', (c) => c.notNull().references('sends.id').onDelete('cascade'))
    .addColumn('offer_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('send_offers_pk', ['send_id', 'offer_id'])
    .execute();
  await db.schema.createIndex('send_offers_by_offer').on('send_offers').column('offer_id').execute();
}

export async function down(db: AnyDb): Promise<void> {
  for (const table of ['send_offers', 'offer_hits', 'offer_claims', 'offers'])
    await db.schema.dropTable(table).execute();
}
