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

/** The server version, or the reason PostgreSQL cannot be used. */
export async function probePostgres(
  url: string,
): Promise<{ ok: true; version: string } | { ok: false; reason: string }> {
  try {
    const version = await withClient(
      url,
      async (c) => (await c.query('show server_version')).rows[0].server_version,
    );
    return { ok: true, version: String(version) };
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
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

/** A DATABASE_URL whose connections use `schema` (libpq "options", which pg passes to the server). */
export function urlWithSearchPath(url: string, schema: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('options', `-c search_path=${checkSchemaName(schema)}`);
  // URLSearchParams writes spaces as "+", which libpq-style parsers do not decode in options.
  return parsed
    .toString()
    .replace(/options=[^&]*/, `options=${encodeURIComponent(`-c search_path=${schema}`)}`);
}
