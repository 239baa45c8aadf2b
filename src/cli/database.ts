// Opening the database for a CLI command: never a new SQLite file in the wrong place (a command that
// silently created ./data/spoor.db would act on a database the server never reads), and never one
// whose migrations are behind the code.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Config } from '../config.ts';
import { openStorage, type Storage } from '../storage/database.ts';
import { pendingMigrations } from '../storage/migrate.ts';
import { CliError } from './command.ts';

/** The SQLite file DATABASE_URL names, resolved; undefined for PostgreSQL or :memory:. */
export function sqliteFileOf(databaseUrl: string): string | undefined {
  if (!databaseUrl.startsWith('sqlite:')) return undefined;
  const path = databaseUrl.slice('sqlite:'.length);
  return path === ':memory:' ? undefined : resolve(path);
}

/** Refuses a SQLite file that does not exist, naming it and how to point at the right one. */
export function requireExistingDatabase(config: Config, command: string, extra = ''): void {
  const file = sqliteFileOf(config.databaseUrl);
  if (file && !existsSync(file))
    throw new CliError(
      `There is no database at ${file} (DATABASE_URL=${config.databaseUrl}), and "spoor ${command}" does not create one. ` +
        'Point DATABASE_URL at the database your server uses (its start-up banner names it), e.g. ' +
        `DATABASE_URL=sqlite:/var/lib/spoor/spoor.db spoor ${command}${extra}.`,
    );
}

/** Opens an existing database whose migrations are all applied. */
export async function openExistingStorage(config: Config, command: string): Promise<Storage> {
  requireExistingDatabase(config, command);
  const storage = openStorage(config.databaseUrl, { sqliteMaxSizeMb: config.sqliteMaxSizeMb, poolSize: 2 });
  try {
    const pending = await pendingMigrations(storage.db);
    if (pending.length > 0)
      throw new CliError(
        `The database needs ${pending.length} migration(s) this version of Spoor brings (${pending.join(', ')}): run "spoor migrate" first.`,
      );
    return storage;
  } catch (error) {
    await storage.close();
    throw error;
  }
}
