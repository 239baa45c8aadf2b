// spoor start, migrate and rotate-token-key: running the server and looking after its database.
import { existsSync } from 'node:fs';
import { loadConfig } from '../config.ts';
import { CliError, type Command } from './command.ts';

export const start: Command = {
  name: 'start',
  summary: 'Run the server (what "npm start" runs).',
  help: `Usage: spoor start

Runs Spoor: applies pending migrations, creates the first admin API key and the demo website on a
first start, and serves until SIGTERM or SIGINT. Settings come from the environment
(docs/configuration.md); on SQLite the database file is created if it does not exist.

Options:
  -h, --help show this help`,
  async run() {
    // Exactly what "npm start" runs (main.ts: the server and its start-up error handling).
    await import('../main.ts');
    return new Promise<number>(() => {});
  },
};

export const migrate: Command = {
  name: 'migrate',
  summary: 'Apply pending database migrations and exit.',
  help: `Usage: spoor migrate [--create]

Applies the migrations this version of Spoor brings to the database DATABASE_URL names, then exits
(run it before a rolling restart of the nodes; "spoor start" also migrates on start).

Options:
  --create   SQLite: create the database file when it does not exist (otherwise refused, so that a
             wrong DATABASE_URL never makes a new, empty database)
  -h, --help show this help`,
  options: { create: { type: 'boolean' } },
  async run(values) {
    const { requireExistingDatabase, sqliteFileOf } = await import('./database.ts');
    const { openStorage } = await import('../storage/database.ts');
    const { migrateToLatest } = await import('../storage/migrate.ts');
    const config = loadConfig();
    const file = sqliteFileOf(config.databaseUrl);
    const creating = file !== undefined && !existsSync(file);
    if (!values['create'])
      requireExistingDatabase(
        config,
        'migrate',
        ' (or "spoor migrate --create" to create a new database at the named path)',
      );
    const storage = openStorage(config.databaseUrl, { sqliteMaxSizeMb: config.sqliteMaxSizeMb, poolSize: 2 });
    try {
      const applied = await migrateToLatest(storage.db);
      if (creating) console.log(`Created ${file}.`);
      console.log(
        applied.length === 0
          ? 'The database is up to date; nothing to apply.'
          : `Applied ${applied.length} migration(s): ${applied.join(', ')}.`,
      );
      return 0;
    } finally {
      await storage.close();
    }
  },
};

export const rotateTokenKey: Command = {
  name: 'rotate-token-key',
  summary: 'Add a new key for signing email tokens (old ones keep working).',
  help: `Usage: spoor rotate-token-key

Adds a new key for signing email tokens (open pixel, click and unsubscribe links) in front of the
ones kept in the database; old keys stay, so emails already sent keep working. Restart the nodes to
sign with the new key (nodes not yet restarted already accept it). Not for SPOOR_TOKEN_KEYS: with
that variable set, put a new key first in it instead (docs/email.md).

Options:
  -h, --help show this help`,
  async run() {
    const config = loadConfig();
    if (config.tokenKeys)
      throw new CliError(
        'SPOOR_TOKEN_KEYS is set: rotate by putting a new key first in that variable instead.',
      );
    const { openExistingStorage } = await import('./database.ts');
    const { rotateStoredTokenKey } = await import('../secrets/install-secrets.ts');
    const storage = await openExistingStorage(config, this.name);
    try {
      const version = await rotateStoredTokenKey(storage.db);
      console.log(
        `Email tokens are now signed with key version ${version}; restart the nodes to sign with it (nodes not yet restarted already accept it).`,
      );
      return 0;
    } finally {
      await storage.close();
    }
  },
};
