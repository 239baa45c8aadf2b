// The spoor command line, run as an operator runs it: the compiled dist/cli.js as a real process, on
// real databases, against real running servers and a real SMTP server on loopback.
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestDatabase,
  describeEachEngine,
  postgresUrl,
  type TestDatabase,
  withSearchPath,
} from './helpers/engines.ts';
import { freePort, type SpoorProcess, startSpoorProcess } from './helpers/server-process.ts';
import { type SmtpSink, startSmtpSink } from './helpers/smtp-sink.ts';

const CLI = resolve('dist/cli.js');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `node dist/cli.js …` in `cwd` with only the given settings (no DATABASE_URL unless given). */
function spoor(args: string[], env: Record<string, string> = {}, cwd = tmpdir()): Promise<Run> {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !/^(DATABASE_URL|SPOOR_|PORT$|HOST$|NODE_ENV$)/.test(name),
    ),
  ) as Record<string, string>;
  return new Promise((done) => {
    execFile(process.execPath, [CLI, ...args], { cwd, env: { ...base, ...env } }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      done({ code, stdout, stderr });
    });
  });
}

const get = (node: SpoorProcess, key: string, path = '/api/websites') =>
  fetch(`${node.url}${path}`, { headers: { authorization: `Bearer ${key}` } });

function emptyDir(): string {
  return mkdtempSync(join(tmpdir(), 'spoor-cli-'));
}

const COMMANDS = [
  'start',
  'migrate',
  'api-keys list',
  'api-keys create',
  'api-keys revoke',
  'users list',
  'users create',
  'users disable',
  'users enable',
  'users reset',
  'rotate-token-key',
  'rotate-seal-key',
  'retire-seal-key',
  'doctor',
  'import',
];

describe('spoor --help', () => {
  it('lists every command, and every command answers --help without touching a database', async () => {
    const dir = emptyDir();
    try {
      const top = await spoor(['--help'], {}, dir);
      expect(top.code).toBe(0);
      for (const name of COMMANDS) expect(top.stdout).toContain(`  ${name} `);
      for (const name of [...COMMANDS, 'api-keys', 'users']) {
        // The database named is the default ./data/spoor.db in an empty directory: it must stay absent.
        const run = await spoor([...name.split(' '), '--help'], {}, dir);
        expect(run.code, `${name} --help: ${run.stderr}`).toBe(0);
        expect(run.stdout).toContain(`Usage: spoor ${name}`);
      }
      // The mistake from the issue: a key named "--help" minted in a new database.
      const withName = await spoor(['api-keys', 'create', 'admin', '--help'], {}, dir);
      expect(withName.stdout).toContain('Usage: spoor api-keys create');
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses unknown commands and options with a pointer to --help (exit 2)', async () => {
    const dir = emptyDir();
    try {
      const option = await spoor(['api-keys', 'create', '--nme', 'ops'], {}, dir);
      expect(option.code).toBe(2);
      expect(option.stderr).toContain("Unknown option '--nme'");
      expect(option.stderr).toContain('spoor api-keys create --help');
      const command = await spoor(['api-key', 'create'], {}, dir);
      expect(command.code).toBe(2);
      expect(command.stderr).toContain('unknown command "api-key"');
      const scope = await spoor(['api-keys', 'create', 'ops', '--scope', 'admin'], {}, dir);
      expect(scope.code).toBe(2);
      expect(scope.stderr).toContain('Unknown scope "admin": use read-only, tracking, email, full.');
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a command never creates a database in the wrong place', () => {
  it('refuses, naming the missing file and how to point at the right one, and creates nothing', {
    timeout: 90_000,
  }, async () => {
    const dir = emptyDir();
    writeFileSync(join(dir, 'contacts.csv'), 'email\na@example.com\n');
    try {
      for (const args of [
        ['api-keys', 'create', 'ops'],
        ['api-keys', 'list'],
        ['api-keys', 'revoke', 'ops'],
        ['users', 'list'],
        ['users', 'reset', 'ops@example.com'],
        ['rotate-token-key'],
        ['rotate-seal-key'],
        ['retire-seal-key', '1'],
        ['import', 'contacts.csv'],
        ['migrate'],
      ]) {
        const run = await spoor(args, {}, dir);
        expect(run.code, args.join(' ')).toBe(1);
        expect(run.stderr).toContain(`There is no database at ${join(dir, 'data', 'spoor.db')}`);
        expect(run.stderr).toContain('Point DATABASE_URL at the database your server uses');
        expect(run.stdout).toBe('');
      }
      const doctor = await spoor(['doctor'], { SPOOR_SMTP_PORT: String(await freePort()) }, dir);
      expect(doctor.stdout).toContain(`fail  database       no database at ${join(dir, 'data', 'spoor.db')}`);
      expect(readdirSync(dir)).toEqual(['contacts.csv']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('spoor migrate', () => {
  it('creates and migrates a new SQLite database only when told to, then finds nothing to do', async () => {
    const dir = emptyDir();
    const env = { DATABASE_URL: `sqlite:${join(dir, 'spoor.db')}` };
    try {
      const refused = await spoor(['migrate'], env, dir);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('"spoor migrate --create"');
      const created = await spoor(['migrate', '--create'], env, dir);
      expect(created.code, created.stderr).toBe(0);
      expect(created.stdout).toContain(`Created ${join(dir, 'spoor.db')}.`);
      expect(created.stdout).toMatch(/Applied \d+ migration\(s\): 001-foundation, .*008-api-key-scopes/);
      const again = await spoor(['migrate'], env, dir);
      expect(again.stdout).toBe('The database is up to date; nothing to apply.\n');
      const keys = await spoor(['api-keys', 'list'], env, dir);
      expect(keys.code).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.runIf(postgresUrl)('migrates a fresh PostgreSQL schema', async () => {
    const schema = `spoor_cli_${Date.now().toString(36)}`;
    const admin = new pg.Client({ connectionString: postgresUrl });
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    try {
      const env = { DATABASE_URL: withSearchPath(postgresUrl as string, schema) };
      const before = await spoor(['api-keys', 'list'], env);
      expect(before.code).toBe(1);
      expect(before.stderr).toContain('run "spoor migrate" first');
      const run = await spoor(['migrate'], env);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/Applied \d+ migration\(s\): 001-foundation, .*008-api-key-scopes/);
      expect((await spoor(['api-keys', 'list'], env)).code).toBe(0);
    } finally {
      await admin.query(`drop schema ${schema} cascade`);
      await admin.end();
    }
  });
});

describeEachEngine('spoor api-keys', (engine) => {
  let database: TestDatabase;
  /** Two nodes on PostgreSQL (a revocation must reach the other node at once); one on SQLite. */
  let nodes: SpoorProcess[] = [];
  let env: Record<string, string>;

  beforeAll(async () => {
    database = await createTestDatabase(engine);
    env = { DATABASE_URL: database.url };
    nodes = await Promise.all(
      (engine === 'postgres' ? [0, 1] : [0]).map(() => startSpoorProcess(database.url)),
    );
  });
  afterAll(async () => {
    await Promise.all(nodes.map((node) => node.kill('SIGKILL')));
    await database.drop();
  });

  it('creates a key that works, lists it with its use, and revokes it on every node at once', async () => {
    const created = await spoor(['api-keys', 'create', 'deploy bot', '--scope', 'full'], env);
    expect(created.code, created.stderr).toBe(0);
    const key = created.stdout.trim();
    expect(key).toMatch(/^spk_[A-Za-z0-9_-]{32}$/);
    expect(created.stderr).toContain('Created the API key "deploy bot" (scopes: full)');

    const unused = await spoor(['api-keys', 'list'], env);
    const line = () => unused.stdout.split('\n').find((l) => l.includes('deploy bot')) as string;
    expect(unused.stdout.split('\n')[0]).toMatch(/^ID +NAME +SCOPES +CREATED +LAST USED +REVOKED$/);
    expect(line()).toMatch(/deploy bot +full +\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ +- +-$/);

    for (const node of nodes) expect((await get(node, key)).status).toBe(200);
    const used = await spoor(['api-keys', 'list', '--json'], env);
    const listed = JSON.parse(used.stdout).find((k: { name: string }) => k.name === 'deploy bot');
    expect(listed).toMatchObject({ scopes: ['full'], revokedAt: null });
    expect(listed.lastUsedAt).toBeGreaterThanOrEqual(listed.createdAt);

    const revoked = await spoor(['api-keys', 'revoke', 'deploy bot'], env);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(revoked.stdout).toContain(`Revoked the API key "deploy bot" (${listed.id}).`);
    // The last node to have accepted it, then every other: refused from the very next request.
    for (const node of [...nodes].reverse()) {
      const res = await get(node, key);
      expect(res.status).toBe(401);
      expect((await res.json()).message).toBe('The API key is not valid (or was revoked).');
    }
    const after = await spoor(['api-keys', 'list'], env);
    expect(after.stdout.split('\n').find((l) => l.includes('deploy bot'))).toMatch(
      /deploy bot +full +\S+ \S+ +\S+ \S+ +\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/,
    );
    const twice = await spoor(['api-keys', 'revoke', listed.id], env);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain('is already revoked');
  });

  it('a read-only key reads (200) and is refused writes (403)', async () => {
    const created = await spoor(['api-keys', 'create', 'dashboard', '--scope', 'read-only'], env);
    const key = created.stdout.trim();
    const node = nodes.at(-1) as SpoorProcess;
    expect((await get(node, key)).status).toBe(200);
    const post = await fetch(`${node.url}/api/websites`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Shop', allowedOrigins: ['https://shop.example'] }),
    });
    expect(post.status).toBe(403);
    expect(await post.json()).toEqual({
      error: 'forbidden',
      message:
        "This API key's scopes (read-only) do not allow POST on this tracking route; it needs one of: tracking, full.",
    });
    const list = await spoor(['api-keys', 'list'], env);
    expect(list.stdout.split('\n').find((l) => l.includes('dashboard'))).toMatch(/dashboard +read-only /);
  });
});

describe('spoor rotate-seal-key and retire-seal-key', () => {
  it('rotates the one key ring (the former name too), and retires an older key but never the current one', async () => {
    const database = await createTestDatabase('sqlite');
    try {
      const env = { DATABASE_URL: database.url };
      const rotated = await spoor(['rotate-seal-key'], env);
      expect(rotated.code, rotated.stderr).toBe(0);
      expect(rotated.stdout).toContain('key version 2;');
      expect(rotated.stdout).toContain('The same key seals click handoffs and send headers');
      expect((await spoor(['rotate-token-key'], env)).stdout).toContain('key version 3;');
      const current = await spoor(['retire-seal-key', '3'], env);
      expect(current.code).toBe(1);
      expect(current.stderr).toContain('Key version 3 seals now: rotate first');
      const retired = await spoor(['retire-seal-key', '1'], env);
      expect(retired.code, retired.stderr).toBe(0);
      expect(retired.stdout).toContain('Seal key version 1 is retired; restart the nodes.');
      expect(retired.stdout).toContain('key versions 3, 2 remain');
      const again = await spoor(['retire-seal-key', '1'], env);
      expect(again.code).toBe(1);
      expect(again.stderr).toContain('There is no seal key version 1');
      const misuse = await spoor(['retire-seal-key', 'one'], env);
      expect(misuse.code).toBe(2);
      const set = await spoor(['retire-seal-key', '2'], {
        ...env,
        SPOOR_TOKEN_KEYS: `1:${Buffer.alloc(32, 7).toString('base64')}`,
      });
      expect(set.code).toBe(1);
      expect(set.stderr).toContain(
        'SPOOR_TOKEN_KEYS is set: retire a key by leaving it out of that variable',
      );
    } finally {
      await database.drop();
    }
  });
});

describe('spoor rotate-token-key', () => {
  it('adds a newer signing key, and leaves SPOOR_TOKEN_KEYS to be rotated in the variable', async () => {
    const database = await createTestDatabase('sqlite');
    try {
      const env = { DATABASE_URL: database.url };
      const first = await spoor(['rotate-token-key'], env);
      expect(first.code, first.stderr).toBe(0);
      expect(first.stdout).toMatch(/^Email tokens are now signed with key version 2; restart the nodes/);
      expect((await spoor(['rotate-token-key'], env)).stdout).toContain('key version 3;');
      const set = await spoor(['rotate-token-key'], {
        ...env,
        SPOOR_TOKEN_KEYS: `1:${Buffer.alloc(32, 7).toString('base64')}`,
      });
      expect(set.code).toBe(1);
      expect(set.stderr).toContain(
        'SPOOR_TOKEN_KEYS is set: rotate by putting a new key first in that variable',
      );
    } finally {
      await database.drop();
    }
  });
});

describe('spoor start', () => {
  it('runs the server as npm start does, and stops on SIGTERM', async () => {
    const database = await createTestDatabase('sqlite');
    try {
      const node = await startSpoorProcess(database.url, {}, 'spoor start');
      expect((await fetch(`${node.url}/healthz`)).status).toBe(200);
      expect((await get(node, node.apiKey)).status).toBe(200);
      await node.kill('SIGTERM');
      expect(node.child.exitCode).toBe(0);
    } finally {
      await database.drop();
    }
  });
});

describe('spoor import', () => {
  let database: TestDatabase;
  let dir: string;

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    dir = emptyDir();
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await database.drop();
  });

  it('imports a CSV as the API does and prints a summary', async () => {
    const file = join(dir, 'people.csv');
    writeFileSync(
      file,
      'Email,First name,Company\nann@example.com,Ann,Acme\nnot-an-email,Bob,Beta\n\nCyd@Example.com,Cyd,\n',
    );
    const env = { DATABASE_URL: database.url };
    const first = await spoor(['import', file], env);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toBe(
      `Imported 3 row(s) from ${file}: 2 created, 0 updated, 0 skipped, 1 rejected.\n` +
        '  row 2: Email is not a valid email address\n',
    );
    // Not a terminal here: no progress bar in the output.
    expect(first.stderr).toBe('');
    const again = await spoor(['import', file, '--on-duplicate', 'skip'], env);
    expect(again.stdout).toContain('0 created, 0 updated, 2 skipped, 1 rejected.');
  });

  it('refuses unknown columns with the option to pass, as the API does', async () => {
    const file = join(dir, 'extra.csv');
    writeFileSync(file, 'email,shoe size\ndee@example.com,42\n');
    const env = { DATABASE_URL: database.url };
    const refused = await spoor(['import', file], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('Unknown columns: "shoe size"');
    expect(refused.stderr).toContain('pass --unknown-columns ignore');
    const ignored = await spoor(['import', file, '--unknown-columns', 'ignore'], env);
    expect(ignored.stdout).toContain('1 created');
    expect(ignored.stdout).toContain('Ignored columns: shoe size.');
  });

  it('shows a progress bar on a terminal', async () => {
    const file = join(dir, 'many.csv');
    writeFileSync(
      file,
      `email\n${Array.from({ length: 2000 }, (_, i) => `person${i}@example.com`).join('\n')}\n`,
    );
    // script(1) gives the command a terminal; its output is what the terminal showed.
    const shown = await new Promise<string>((done) => {
      execFile(
        'script',
        [
          '-qec',
          `${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} import ${JSON.stringify(file)}`,
          '/dev/null',
        ],
        { env: { ...process.env, DATABASE_URL: database.url } },
        (_error, stdout) => done(stdout),
      );
    });
    expect(shown).toMatch(/\[#{30}\] 100% {2}0\.0 MiB \/ 0\.0 MiB/);
    expect(shown).toContain('Imported 2000 row(s)');
  });
});

describe('spoor doctor', () => {
  let database: TestDatabase;
  let sink: SmtpSink;
  let dir: string;

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    sink = await startSmtpSink({ tls: true, auth: { user: 'mailer', pass: 's3cret' } });
    dir = emptyDir();
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    writeFileSync(join(dir, 'dkim.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
    writeFileSync(
      join(dir, 'broken.pem'),
      '-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n',
    );
  });
  afterAll(async () => {
    await sink.close();
    rmSync(dir, { recursive: true, force: true });
    await database.drop();
  });

  const good = () => ({
    DATABASE_URL: database.url,
    SPOOR_SMTP_HOST: '127.0.0.1',
    SPOOR_SMTP_PORT: String(sink.port),
    SPOOR_SMTP_TLS_VERIFY: 'false',
    SPOOR_SMTP_USER: 'mailer',
    SPOOR_SMTP_PASSWORD: 's3cret',
    SPOOR_EMAIL_FROM: 'News <news@mail.example.invalid>',
    SPOOR_DKIM_DOMAIN: 'example.invalid',
    SPOOR_DKIM_SELECTOR: 'spoor',
    SPOOR_DKIM_KEY_FILE: join(dir, 'dkim.pem'),
    SPOOR_PUBLIC_URL: 'https://t.example.com',
  });

  it('passes a good configuration: one line per check, exit 0', async () => {
    const run = await spoor(['doctor'], good());
    expect(run.code, run.stdout).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines.map((line) => line.split(/\s+/).slice(0, 2).join(' '))).toEqual([
      'ok configuration',
      'ok database',
      'ok smtp',
      // .invalid has no DNS record: the key parses, and the record to publish is named.
      'warn dkim',
      'ok envelope',
      'ok public-url',
    ]);
    expect(lines[1]).toContain('reachable, migrations applied');
    expect(lines[2]).toContain(`127.0.0.1:${sink.port} answers and accepts the login of mailer`);
    expect(lines[3]).toContain('the key parses; no DNS record found at spoor._domainkey.example.invalid');
    expect(lines[3]).toMatch(/publish "v=DKIM1; k=rsa; p=[A-Za-z0-9+/=]+"/);
  });

  it('warns when the envelope sender is outside the From domain (SPF cannot align for DMARC)', async () => {
    const run = await spoor(['doctor'], { ...good(), SPOOR_EMAIL_ENVELOPE_FROM: 'returns@esp.example' });
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toMatch(
      /^warn {2}envelope +The envelope sender's domain esp\.example \(SPOOR_EMAIL_ENVELOPE_FROM\) is not in the From domain's organisational domain example\.invalid .*DMARC rests on the DKIM signature of example\.invalid alone/m,
    );
    const aligned = await spoor(['doctor'], { ...good(), SPOOR_BOUNCE_DOMAIN: 'bounce.example.invalid' });
    expect(aligned.stdout).toMatch(
      /^ok {4}envelope +envelope sender b\+…@bounce\.example\.invalid \(VERP\), aligned/m,
    );
  });

  it('fails a bad one: SMTP port nobody listens on, wrong login, broken DKIM key, http in production', async () => {
    const closed = await spoor(['doctor'], { ...good(), SPOOR_SMTP_PORT: String(await freePort()) });
    expect(closed.code).toBe(1);
    expect(closed.stdout).toMatch(/^fail {2}smtp +127\.0\.0\.1:\d+: .*ECONNREFUSED/m);

    const login = await spoor(['doctor'], { ...good(), SPOOR_SMTP_PASSWORD: 'wrong' });
    expect(login.code).toBe(1);
    expect(login.stdout).toMatch(/^fail {2}smtp +127\.0\.0\.1:\d+: .*Invalid login/m);

    const key = await spoor(['doctor'], { ...good(), SPOOR_DKIM_KEY_FILE: join(dir, 'broken.pem') });
    expect(key.code).toBe(1);
    expect(key.stdout).toMatch(/^fail {2}dkim +the private key does not parse/m);

    const http = await spoor(['doctor'], {
      ...good(),
      SPOOR_PUBLIC_URL: 'http://t.example.com',
      NODE_ENV: 'production',
    });
    expect(http.code).toBe(1);
    expect(http.stdout).toMatch(/^fail {2}public-url +http:\/\/t\.example\.com is not https/m);

    const config = await spoor(['doctor'], { ...good(), PORT: 'eighty' });
    expect(config.code).toBe(1);
    expect(config.stdout).toBe(
      'fail  configuration  PORT must be a whole number from 0 to 65535; got "eighty".\n',
    );
  });
});

it('keeps no stray database from these runs', () => {
  expect(existsSync(join(tmpdir(), 'data', 'spoor.db'))).toBe(false);
});
