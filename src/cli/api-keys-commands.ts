// spoor api-keys list|create|revoke: admin API keys, straight in the database the server uses.
import { parseScopes, SCOPES } from '../access/scopes.ts';
import { loadConfig } from '../config.ts';
import { AppError } from '../lib/errors.ts';
import { CliError, type Command, stringsOption } from './command.ts';

/** The database and key modules load only when a command runs (--help needs neither). */
const load = async () => ({
  ...(await import('./database.ts')),
  ...(await import('../access/api-keys.ts')),
  ...(await import('../access/audit/record.ts')),
});

const DATABASE_NOTE = 'The database is the one DATABASE_URL names (docs/configuration.md).';

/** A time for a person: UTC to the second, or a dash. */
function when(ms: number | null): string {
  return ms === null ? '-' : `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

export const apiKeysList: Command = {
  name: 'api-keys list',
  summary: 'List the admin API keys: name, scopes, created, last used, revoked.',
  help: `Usage: spoor api-keys list [--json]

Lists every admin API key (never the secret: only its hash is kept) with its id, name, scopes,
when it was created, when it was last used (updated at most once a minute) and when it was revoked.

Options:
  --json     print the list as JSON
  -h, --help show this help

${DATABASE_NOTE}`,
  options: { json: { type: 'boolean' } },
  async run(values) {
    const { openExistingStorage, listApiKeys } = await load();
    const storage = await openExistingStorage(loadConfig(), this.name);
    try {
      const keys = await listApiKeys(storage.db);
      if (values['json']) {
        console.log(JSON.stringify(keys, null, 2));
        return 0;
      }
      const rows = [
        ['ID', 'NAME', 'SCOPES', 'CREATED', 'LAST USED', 'REVOKED'],
        ...keys.map((key) => [
          key.id,
          key.name,
          key.scopes.join(','),
          when(key.createdAt),
          when(key.lastUsedAt),
          when(key.revokedAt),
        ]),
      ];
      const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
      for (const row of rows)
        console.log(
          row
            .map((cell, i) => cell.padEnd(widths[i]!))
            .join('  ')
            .trimEnd(),
        );
      return 0;
    } finally {
      await storage.close();
    }
  },
};

export const apiKeysCreate: Command = {
  name: 'api-keys create',
  summary: 'Create an admin API key and print it (once).',
  help: `Usage: spoor api-keys create [name] [--scope <scope>]...

Creates an admin API key and prints it on standard output; it is shown only this once.

Scopes (repeat --scope or separate with commas; none means full):
  read-only  GET and HEAD on every admin route
  tracking   everything on websites, reports, forms, history, privacy and contacts
  email      everything on lists, messages, sends, suppressions and contacts
  full       everything

Options:
  --scope <scope>  one of ${SCOPES.join(', ')}
  -h, --help       show this help

${DATABASE_NOTE}`,
  options: { scope: { type: 'string', multiple: true } },
  positionals: { min: 0, max: 1 },
  async run(values, positionals) {
    let scopes: ReturnType<typeof parseScopes>;
    try {
      scopes = parseScopes(stringsOption(values, 'scope'));
    } catch (error) {
      throw new CliError(`spoor api-keys create: ${(error as Error).message}`, 2);
    }
    const name = positionals[0]?.trim() || 'admin (spoor api-keys create)';
    const { openExistingStorage, createApiKeyWithId, recordAudit } = await load();
    const storage = await openExistingStorage(loadConfig(), this.name);
    try {
      const { id, secret: key } = await createApiKeyWithId(storage.db, name, scopes);
      await recordAudit(storage.db, {
        actor: { kind: 'cli', label: `spoor ${this.name}` },
        action: 'createApiKey',
        targetId: id,
        outcome: 'ok',
      });
      console.error(
        `Created the API key "${name}" (scopes: ${scopes.join(', ')}). It is shown once; send it as "Authorization: Bearer <key>".`,
      );
      console.log(key);
      return 0;
    } finally {
      await storage.close();
    }
  },
};

export const apiKeysRevoke: Command = {
  name: 'api-keys revoke',
  summary: 'Revoke an admin API key by id or name; every node refuses it at once.',
  help: `Usage: spoor api-keys revoke <id-or-name>

Revokes a key (see "spoor api-keys list" for ids and names). Every node refuses it with 401 from
the next request on: keys are checked against the database on each request, never cached.

Options:
  -h, --help show this help

${DATABASE_NOTE}`,
  positionals: { min: 1, max: 1 },
  async run(_values, positionals) {
    const { openExistingStorage, revokeApiKey, recordAudit } = await load();
    const storage = await openExistingStorage(loadConfig(), this.name);
    try {
      const key = await revokeApiKey(storage.db, positionals[0] as string);
      await recordAudit(storage.db, {
        actor: { kind: 'cli', label: `spoor ${this.name}` },
        action: 'revokeApiKey',
        targetId: key.id,
        outcome: 'ok',
      });
      console.log(`Revoked the API key "${key.name}" (${key.id}).`);
      return 0;
    } catch (error) {
      if (error instanceof AppError) throw new CliError(error.message);
      throw error;
    } finally {
      await storage.close();
    }
  },
};

export const apiKeysGroupHelp = `Usage: spoor api-keys <list|create|revoke> [options]

  list     ${apiKeysList.summary}
  create   ${apiKeysCreate.summary}
  revoke   ${apiKeysRevoke.summary}

Run "spoor api-keys <command> --help" for a command's options.`;
