// Forward to a friend (docs/decisions/026-forward-to-a-friend.md): each post of the hosted form (a
// forward, the forwarder's interaction), each address entered (a copy: the friend's address kept as a
// keyed hash, the plain address only until the copy is sent), and the opens and clicks of the copies
// (attributed to the send and, through the copy, the forwarder; never to a contact).
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations run against whatever the schema was at the time.
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('forwards')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('send_id', 'text', (c) => c.notNull())
    /** The forwarder: the recipient whose email's {{ forward_url }} was used. */
    .addColumn('contact_id', 'text', (c) => c.notNull())
    /** How many addresses the post entered (each a copy). */
    .addColumn('addresses', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('forwards_by_contact')
    .on('forwards')
    .columns(['contact_id', 'created_at', 'id'])
    .execute();

  await db.schema
    .createTable('forward_copies')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('forward_id', 'text', (c) => c.notNull())
    .addColumn('send_id', 'text', (c) => c.notNull())
    .addColumn('contact_id', 'text', (c) => c.notNull())
    /** HMAC of the friend's address with the install's hash key: counts copies per address, names no one. */
    .addColumn('friend_hash', 'text', (c) => c.notNull())
    /** The plain address, only until the copy's job has sent it (or given up). */
    .addColumn('email', 'text')
    /** queued | sent | blocked | limited | failed */
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('detail', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('sent_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('forward_copies_by_friend')
    .on('forward_copies')
    .columns(['friend_hash', 'created_at'])
    .execute();
  await db.schema
    .createIndex('forward_copies_by_forwarder')
    .on('forward_copies')
    .columns(['send_id', 'contact_id'])
    .execute();
  await db.schema
    .createIndex('forward_copies_by_forward')
    .on('forward_copies')
    .column('forward_id')
    .execute();
  await db.schema
    .createIndex('forward_copies_by_contact')
    .on('forward_copies')
    .column('contact_id')
    .execute();

  await db.schema
    .createTable('forward_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('copy_id', 'text', (c) => c.notNull())
    .addColumn('send_id', 'text', (c) => c.notNull())
    /** open | click */
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('link_position', 'integer')
    .addColumn('occurred_at', 'bigint', (c) => c.notNull())
    .addColumn('machine', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('machine_reason', 'text')
    /** An open implied by a click (a click implies an open). */
    .addColumn('implied', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('source_hash', 'text')
    .addColumn('user_agent', 'text')
    .execute();
  await db.schema
    .createIndex('forward_events_by_copy')
    .on('forward_events')
    .columns(['copy_id', 'occurred_at'])
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('forward_events').execute();
  await db.schema.dropTable('forward_copies').execute();
  await db.schema.dropTable('forwards').execute();
}
