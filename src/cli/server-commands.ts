// spoor start, migrate, rotate-seal-key (rotate-token-key) and retire-seal-key: running the server and
// looking after its database.
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

const ENV_KEYS_NOTE = 'SPOOR_TOKEN_KEYS is set: rotate by putting a new key first in that variable instead.';

export const rotateSealKey: Command = {
  name: 'rotate-seal-key',
  summary: 'Add a new key for sealing signed values (old ones keep working).',
  help: `Usage: spoor rotate-seal-key

Adds a new key in front of the ones kept in the database. One key ring seals every signed value:
email tokens (open pixel, click and unsubscribe links), click handoffs and X-Spoor-Send headers.
Old keys stay, so emails already sent and values already handed out keep opening until you retire
their key (spoor retire-seal-key). Restart the nodes to seal with the new key (nodes not yet
restarted already accept it). Not for SPOOR_TOKEN_KEYS: with that variable set, put a new key first
in it instead (docs/email.md). Also runs as "spoor rotate-token-key", its former name.

Options:
  -h, --help show this help`,
  async run() {
    const config = loadConfig();
    if (config.tokenKeys) throw new CliError(ENV_KEYS_NOTE);
    const { openExistingStorage } = await import('./database.ts');
    const { rotateStoredSealKey } = await import('../secrets/install-secrets.ts');
    const storage = await openExistingStorage(config, this.name);
    try {
      const version = await rotateStoredSealKey(storage.db);
      console.log(
        `Email tokens are now signed with key version ${version}; restart the nodes to sign with it (nodes not yet restarted already accept it).\n` +
          'The same key seals click handoffs and send headers; older keys keep opening values until retired (spoor retire-seal-key).',
      );
      return 0;
    } finally {
      await storage.close();
    }
  },
};

/** The command's former name, kept working for scripts and runbooks. */
export const rotateTokenKey: Command = {
  ...rotateSealKey,
  name: 'rotate-token-key',
  summary: 'The former name of rotate-seal-key.',
  help: rotateSealKey.help.replace('Usage: spoor rotate-seal-key', 'Usage: spoor rotate-token-key'),
};

export const retireSealKey: Command = {
  name: 'retire-seal-key',
  summary: 'Remove an older seal key: values sealed with it stop opening.',
  help: `Usage: spoor retire-seal-key <version>

Removes an older key from the ones kept in the database (after a leak, or once no value sealed with
it should open any more). Every value sealed with it is then refused as sealed with a retired key:
links in emails signed with it stop working. The key that seals now cannot be retired: rotate first
(spoor rotate-seal-key) and restart the nodes. Restart the nodes after retiring: a node keeps the
keys it loaded. Not for SPOOR_TOKEN_KEYS: with that variable set, leave the key out of it instead.

Options:
  -h, --help show this help`,
  positionals: { min: 1, max: 1 },
  async run(_values, [given]) {
    const config = loadConfig();
    const version = Number(given);
    if (!Number.isInteger(version) || version < 1 || version > 255)
      throw new CliError(`Key versions are whole numbers from 1 to 255; got "${given}".`, 2);
    if (config.tokenKeys)
      throw new CliError('SPOOR_TOKEN_KEYS is set: retire a key by leaving it out of that variable instead.');
    const { openExistingStorage } = await import('./database.ts');
    const { retireStoredSealKey } = await import('../secrets/install-secrets.ts');
    const storage = await openExistingStorage(config, this.name);
    try {
      const { remaining } = await retireStoredSealKey(storage.db, version).catch((error: Error) => {
        throw new CliError(error.message);
      });
      console.log(
        `Seal key version ${version} is retired; restart the nodes. Values sealed with it are refused; key versions ${remaining.join(', ')} remain.`,
      );
      return 0;
    } finally {
      await storage.close();
    }
  },
};
