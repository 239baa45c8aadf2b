// spoor users list|create|disable|enable|reset: dashboard users, straight in the database the server uses.
// Links (to set a first password, or a new one) are printed for the operator to hand over: this works
// without any mail server, and is the way back in when every administrator has lost their password.
import { ROLES } from '../access/scopes.ts';
import { loadConfig } from '../config.ts';
import { AppError } from '../lib/errors.ts';
import { CliError, type Command } from './command.ts';

/** The database, account and secret modules load only when a command runs (--help needs none). */
const load = async () => ({
  ...(await import('./database.ts')),
  ...(await import('../access/users/manage-users.ts')),
  ...(await import('../access/users/account-links.ts')),
  ...(await import('../access/users/account-page-routes.ts')),
  ...(await import('../access/audit/record.ts')),
  ...(await import('../secrets/install-secrets.ts')),
});

const DATABASE_NOTE = 'The database is the one DATABASE_URL names (docs/configuration.md).';

function when(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

/** Runs `work` on the database, turning a domain refusal into a one-line CLI error. */
async function withDatabase<T>(
  command: string,
  work: (
    deps: Awaited<ReturnType<typeof load>> & {
      storage: Awaited<ReturnType<Awaited<ReturnType<typeof load>>['openExistingStorage']>>;
    },
  ) => Promise<T>,
): Promise<T> {
  const modules = await load();
  const storage = await modules.openExistingStorage(loadConfig(), command);
  try {
    return await work({ ...modules, storage });
  } catch (error) {
    if (error instanceof AppError) throw new CliError(`spoor ${command}: ${error.message}`);
    throw error;
  } finally {
    await storage.close();
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

const cli = (command: string) => ({ kind: 'cli' as const, label: `spoor ${command}` });

export const usersList: Command = {
  name: 'users list',
  summary: 'List the dashboard users: email, name, role, status.',
  help: `Usage: spoor users list [--json]

Lists every user who can sign in to the dashboard, with id, email, name, role, status and when
each was created.

Options:
  --json     print the list as JSON
  -h, --help show this help

${DATABASE_NOTE}`,
  options: { json: { type: 'boolean' } },
  async run(values) {
    return withDatabase(this.name, async ({ storage, listUsers }) => {
      const users = await listUsers(storage.db);
      if (values['json']) {
        console.log(JSON.stringify(users, null, 2));
        return 0;
      }
      const rows = [
        ['ID', 'EMAIL', 'NAME', 'ROLE', 'STATUS', 'CREATED'],
        ...users.map((u) => [u.id, u.email, u.name, u.role, u.status, when(u.createdAt)]),
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
    });
  },
};

export const usersCreate: Command = {
  name: 'users create',
  summary: 'Create a user, or print a link for them to choose their password.',
  help: `Usage: spoor users create <email> --role <role> [--name <name>] [--password-stdin]

Without --password-stdin, prints a one-time link (valid 7 days) on which the person chooses their
password; the account exists once they have. With --password-stdin, the password is read from
standard input (never from the command line, where it would stay in the shell's history) and the
user exists at once.

Roles:
  administrator  everything, including users, API keys and the audit log
  marketer       everything about websites, contacts, forms, lists, messages and sends
  analyst        reads everything but administration; changes nothing

Options:
  --role <role>      one of ${ROLES.join(', ')} (required)
  --name <name>      the name shown in the dashboard
  --password-stdin   read the password from standard input
  -h, --help         show this help

${DATABASE_NOTE}`,
  options: { role: { type: 'string' }, name: { type: 'string' }, 'password-stdin': { type: 'boolean' } },
  positionals: { min: 1, max: 1 },
  async run(values, positionals) {
    const role = values['role'];
    if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role))
      throw new CliError(`spoor users create: --role must be one of ${ROLES.join(', ')}.`, 2);
    const email = positionals[0] as string;
    const name = typeof values['name'] === 'string' ? values['name'] : undefined;
    const password = values['password-stdin'] ? await readStdin() : undefined;
    const config = loadConfig();
    return withDatabase(this.name, async (m) => {
      const db = m.storage.db;
      const typedRole = role as (typeof ROLES)[number];
      if (password !== undefined) {
        const user = await m.createUser(db, { email, name, role: typedRole, password });
        await m.recordAudit(db, {
          actor: cli(this.name),
          action: 'createUser',
          targetId: user.id,
          outcome: 'ok',
        });
        console.log(`Created the ${user.role} ${user.email} (${user.id}).`);
        return 0;
      }
      const secrets = await m.loadInstallSecrets(db, config.tokenKeys);
      const { invitation, token } = await m.createInvitation(db, secrets, {
        email,
        role: typedRole,
        name,
        invitedBy: null,
      });
      await m.recordAudit(db, {
        actor: cli(this.name),
        action: 'inviteUser',
        targetId: invitation.id,
        outcome: 'ok',
      });
      console.error(`Give ${invitation.email} this link to choose a password (it works once, for 7 days):`);
      console.log(m.acceptLink(config.publicUrl, token));
      return 0;
    });
  },
};

function statusCommand(disable: boolean): Command {
  const verb = disable ? 'disable' : 'enable';
  return {
    name: `users ${verb}`,
    summary: disable
      ? 'Disable a user: every session of theirs is refused at once, on every node.'
      : 'Enable a disabled user again.',
    help: `Usage: spoor users ${verb} <id-or-email>

${disable ? 'Disables the user and ends every session they have; every node refuses the user from the\nnext request on (sessions are checked against the database on each request). The last active\nadministrator cannot be disabled.' : 'Lets a disabled user sign in again (their old sessions stay ended).'}

Options:
  -h, --help show this help

${DATABASE_NOTE}`,
    positionals: { min: 1, max: 1 },
    async run(_values, positionals) {
      return withDatabase(this.name, async ({ storage, findUser, changeUser, recordAudit }) => {
        const user = await findUser(storage.db, positionals[0] as string);
        await changeUser(storage.db, user.id, { disabled: disable });
        await recordAudit(storage.db, {
          actor: cli(this.name),
          action: 'changeUser',
          targetId: user.id,
          outcome: 'ok',
        });
        console.log(`${disable ? 'Disabled' : 'Enabled'} ${user.email} (${user.id}).`);
        return 0;
      });
    },
  };
}

export const usersDisable = statusCommand(true);
export const usersEnable = statusCommand(false);

export const usersReset = {
  name: 'users reset',
  summary: "Print a link to set a user's new password (works without a mail server).",
  help: `Usage: spoor users reset <id-or-email>

Prints a one-time link (valid 60 minutes) on which the user chooses a new password; using it signs
them out everywhere. The way back in when nobody can sign in, or when no SMTP server is set up
(administrators can also email a reset from the dashboard).

Options:
  -h, --help show this help

${DATABASE_NOTE}`,
  positionals: { min: 1, max: 1 },
  async run(_values, positionals) {
    const config = loadConfig();
    return withDatabase(this.name, async (m) => {
      const db = m.storage.db;
      const user = await m.findUser(db, positionals[0] as string);
      if (user.status !== 'active')
        throw new CliError(
          `spoor users reset: ${user.email} is disabled; run "spoor users enable ${user.email}" first.`,
        );
      const secrets = await m.loadInstallSecrets(db, config.tokenKeys);
      const token = await m.createPasswordReset(db, secrets, user.id);
      await m.recordAudit(db, {
        actor: cli(this.name),
        action: 'sendPasswordReset',
        targetId: user.id,
        outcome: 'ok',
      });
      console.error(`Give ${user.email} this link to choose a new password (it works once, for 60 minutes):`);
      console.log(m.resetLink(config.publicUrl, token));
      return 0;
    });
  },
} satisfies Command;

export const usersGroupHelp = `Usage: spoor users <list|create|disable|enable|reset> [options]

  list     ${usersList.summary}
  create   ${usersCreate.summary}
  disable  ${usersDisable.summary}
  enable   ${usersEnable.summary}
  reset    ${usersReset.summary}

Run "spoor users <command> --help" for a command's options.`;
