// Accounts: people who sign in to the dashboard (users), their sessions, invitations and password resets,
// and the audit log of who changed what (src/access, docs/decisions/019-accounts.md).
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations run against whatever the schema was at the time.
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull())
    /** The email folded to lower case: unique, so two spellings of one address are one user. */
    .addColumn('email_key', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    /** administrator | marketer | analyst (src/access/permissions.ts). */
    .addColumn('role', 'text', (c) => c.notNull())
    /** An argon2id PHC string; null until the user sets a password. */
    .addColumn('password_hash', 'text')
    /** active | disabled: a disabled user's sessions are refused on the next request, on every node. */
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('sessions')
    /** SHA-256 of the cookie's random value: a leaked table opens no session. */
    .addColumn('id_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    /** Refreshed at most once a minute: the idle timeout counts from here. */
    .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
    /** created_at + the absolute timeout. */
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sessions_by_user').on('sessions').column('user_id').execute();

  await db.schema
    .createTable('invitations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('role', 'text', (c) => c.notNull())
    /** The administrator who invited; null for the first administrator's link printed at first start. */
    .addColumn('invited_by', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    /** Set once, by the acceptance that used the link: a second use finds it set. */
    .addColumn('accepted_at', 'bigint')
    .addColumn('user_id', 'text')
    .execute();

  await db.schema
    .createTable('password_resets')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('used_at', 'bigint')
    .execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('at', 'bigint', (c) => c.notNull())
    /** user | api_key | cli | system */
    .addColumn('actor_kind', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    /** The user's email or the key's name at the time (kept when the user or key is gone). */
    .addColumn('actor_label', 'text', (c) => c.notNull())
    /** The route's operationId (createWebsite, eraseContact…) or the CLI command. */
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target_id', 'text')
    /** ok | refused | failed */
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('status', 'integer')
    .execute();
  await db.schema.createIndex('audit_log_by_time').on('audit_log').columns(['at', 'id']).execute();
}

export async function down(db: AnyDb): Promise<void> {
  for (const table of ['audit_log', 'password_resets', 'invitations', 'sessions', 'users'])
    await db.schema.dropTable(table).execute();
}
