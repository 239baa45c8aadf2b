// PostgreSQL for the bench: is it reachable, and schemas the bench creates, reuses and drops itself.
import pg from 'pg';

/** Schema names are built by the bench itself; this guards the SQL they are spliced into. */
function checkSchemaName(schema: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`Unexpected schema name "${schema}".`);
  return schema;
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const REPORTED_SETTINGS = ['fsync', 'synchronous_commit', 'shared_buffers', 'work_mem', 'autovacuum'];

function showSetting(r: { name: string; setting: string; unit: string | null }): string {
  if (r.unit === '8kB') return `${r.name}=${(Number(r.setting) * 8) / 1024} MB`;
  if (r.unit === 'kB') return `${r.name}=${Number(r.setting) / 1024} MB`;
  return `${r.name}=${r.setting}`;
}

/** The server version and the settings that shape the numbers, or the reason PostgreSQL cannot be used. */
export async function probePostgres(
  url: string,
): Promise<{ ok: true; version: string; settings: string } | { ok: false; reason: string }> {
  try {
    return await withClient(url, async (c) => {
      const version = String((await c.query('show server_version')).rows[0].server_version);
      const result = await c.query(
        'select name, setting, unit from pg_settings where name = any($1) order by name',
        [REPORTED_SETTINGS],
      );
      const settings = (result.rows as { name: string; setting: string; unit: string | null }[])
        .map(showSetting)
        .join(', ');
      return { ok: true as const, version, settings };
    });
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
}

/**
 * VACUUM (ANALYZE) every table of a schema: what autovacuum does after a bulk load. Without it the
 * planner keeps the statistics of the empty tables and the upserted rollups carry their dead rows.
 */
export async function vacuumSchema(url: string, schema: string): Promise<void> {
  await withClient(url, async (c) => {
    const result = await c.query('select tablename from pg_tables where schemaname = $1', [
      checkSchemaName(schema),
    ]);
    for (const { tablename } of result.rows as { tablename: string }[]) {
      await c.query(`vacuum (analyze) ${schema}.${checkSchemaName(tablename)}`);
    }
  });
}

export async function schemaExists(url: string, schema: string): Promise<boolean> {
  return withClient(url, async (c) => {
    const result = await c.query('select 1 from pg_namespace where nspname = $1', [checkSchemaName(schema)]);
    return (result.rowCount ?? 0) > 0;
  });
}

export async function createSchema(url: string, schema: string): Promise<void> {
  await withClient(url, (c) => c.query(`create schema ${checkSchemaName(schema)}`));
}

export async function dropSchema(url: string, schema: string): Promise<void> {
  await withClient(url, (c) => c.query(`drop schema if exists ${checkSchemaName(schema)} cascade`));
}

/**
 * A database of the bench's own: its statistics (pg_stat_database: commits, deadlocks) and sessions
 * (pg_stat_activity) are then the bench's alone on a server others use too.
 */
export async function createDatabase(url: string, name: string): Promise<void> {
  await withClient(url, (c) => c.query(`create database ${checkSchemaName(name)}`));
}

/** Drops a database the bench created, ending whatever sessions are still on it (PostgreSQL 13+). */
export async function dropDatabase(url: string, name: string): Promise<void> {
  await withClient(url, (c) => c.query(`drop database if exists ${checkSchemaName(name)} with (force)`));
}

/** `url` naming another database on the same server. */
export function urlWithDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${checkSchemaName(database)}`;
  return parsed.toString();
}

/** A DATABASE_URL whose connections use `schema` (libpq "options", which pg passes to the server). */
export function urlWithSearchPath(url: string, schema: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('options', `-c search_path=${checkSchemaName(schema)}`);
  // URLSearchParams writes spaces as "+", which libpq-style parsers do not decode in options.
  return parsed
    .toString()
    .replace(/options=[^&]*/, `options=${encodeURIComponent(`-c search_path=${schema}`)}`);
}
