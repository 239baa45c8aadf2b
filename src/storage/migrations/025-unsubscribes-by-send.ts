// A send's unsubscribes by what the person used (the link or a mail provider's one-click button, the
// subscription center, the mailto: address), for its insights: consent events were indexed by contact
// only (017), so counting one send's meant reading every event. This index holds a send's unsubscribes
// together, with the source and contact to count (covering).
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations run against whatever the schema was at the time.
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createIndex('consent_events_by_send')
    .on('consent_events')
    .columns(['send_id', 'after', 'source', 'contact_id'])
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropIndex('consent_events_by_send').execute();
}
