// spoor doctor: checks what a running Spoor depends on (settings, database, SMTP, DKIM, envelope, public URL) and
// prints one line per check; any failure makes the exit code 1.
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { promises as dns } from 'node:dns';
import { existsSync } from 'node:fs';
import { type Config, ConfigError, loadConfig, type SmtpConfig } from '../config.ts';
import { alignedRelaxed, envelopeAlignmentWarnings } from '../email/sends/domain-alignment.ts';
import type { Command } from './command.ts';

export type Status = 'ok' | 'warn' | 'fail';
export interface Check {
  name: string;
  status: Status;
  message: string;
}

const TIMEOUT_MS = 10_000;

export const doctor: Command = {
  name: 'doctor',
  summary: 'Check the configuration, database, SMTP server, DKIM key and public URL.',
  help: `Usage: spoor doctor

Checks, with the settings in the environment (docs/configuration.md):
  configuration  every setting is valid
  database       reachable, and its migrations are applied (never creates a SQLite file)
  smtp           the SMTP server answers and accepts the login (nodemailer's verify)
  dkim           the private key parses, the selector and domain are well-formed, the sender's
                 domain is aligned, and the DNS record (when published) holds the matching key
  envelope       the envelope sender's domain (SPOOR_BOUNCE_DOMAIN, SPOOR_EMAIL_ENVELOPE_FROM) aligns
                 with the From domain as DMARC judges it (the same organisational domain)
  public-url     SPOOR_PUBLIC_URL is well-formed, and https unless local (a fail in production)
Prints one line per check (ok, warn or fail); exits 1 when any check fails.

Options:
  -h, --help show this help`,
  async run() {
    const checks: Check[] = [];
    const print = (check: Check) => {
      checks.push(check);
      console.log(`${check.status.padEnd(4)}  ${check.name.padEnd(13)}  ${check.message}`);
    };
    let config: Config;
    try {
      config = loadConfig();
      print({ name: 'configuration', status: 'ok', message: 'every setting is valid' });
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      print({ name: 'configuration', status: 'fail', message: error.message });
      return 1;
    }
    print(await checkDatabase(config));
    print(await checkSmtp(config.smtp));
    print(await checkDkim(config));
    print(checkEnvelope(config));
    print(checkPublicUrl(config.publicUrl, process.env['NODE_ENV'] === 'production'));
    return checks.some((check) => check.status === 'fail') ? 1 : 0;
  },
};

async function checkDatabase(config: Config): Promise<Check> {
  const name = 'database';
  const { sqliteFileOf } = await import('./database.ts');
  const { openStorage } = await import('../storage/database.ts');
  const { pendingMigrations } = await import('../storage/migrate.ts');
  const file = sqliteFileOf(config.databaseUrl);
  if (file && !existsSync(file))
    return { name, status: 'fail', message: `no database at ${file} (DATABASE_URL=${config.databaseUrl})` };
  const where = config.databaseUrl.startsWith('sqlite:')
    ? `SQLite ${file ?? ':memory:'}`
    : `PostgreSQL ${redactPassword(config.databaseUrl)}`;
  const storage = openStorage(config.databaseUrl, { poolSize: 1 });
  try {
    const pending = await pendingMigrations(storage.db);
    if (pending.length > 0)
      return {
        name,
        status: 'warn',
        message: `${where}: ${pending.length} migration(s) to apply (${pending.join(', ')}); run "spoor migrate" or start the server`,
      };
    return { name, status: 'ok', message: `${where}: reachable, migrations applied` };
  } catch (error) {
    return { name, status: 'fail', message: `${where}: ${(error as Error).message}` };
  } finally {
    await storage.close().catch(() => {});
  }
}

function redactPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres://…';
  }
}

async function checkSmtp(smtp: SmtpConfig): Promise<Check> {
  const { checkSmtpConnection } = await import('../settings/smtp-status.ts');
  const { reachable, message } = await checkSmtpConnection(smtp, TIMEOUT_MS);
  return { name: 'smtp', status: reachable ? 'ok' : 'fail', message };
}

const HOSTNAME =
  /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/i;
const SELECTOR = /^[a-z0-9]([a-z0-9_-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9_-]{0,61}[a-z0-9])?)*$/i;

async function checkDkim(config: Config): Promise<Check> {
  const name = 'dkim';
  const dkim = config.smtp.dkim;
  if (!dkim)
    return {
      name,
      status: 'warn',
      message:
        'not configured (SPOOR_DKIM_DOMAIN, _SELECTOR, _KEY_FILE): receivers may treat the mail as spam',
    };
  let publicKey: string;
  try {
    const key = createPrivateKey(dkim.privateKey);
    publicKey = createPublicKey(key).export({ type: 'spki', format: 'der' }).toString('base64');
  } catch (error) {
    return { name, status: 'fail', message: `the private key does not parse: ${(error as Error).message}` };
  }
  if (!HOSTNAME.test(dkim.domainName))
    return { name, status: 'fail', message: `SPOOR_DKIM_DOMAIN "${dkim.domainName}" is not a domain name` };
  if (!SELECTOR.test(dkim.keySelector))
    return { name, status: 'fail', message: `SPOOR_DKIM_SELECTOR "${dkim.keySelector}" is not a DNS label` };
  const fromDomain = /@([^>\s]+)>?\s*$/.exec(config.emailFrom)?.[1]?.toLowerCase();
  const domain = dkim.domainName.toLowerCase();
  if (fromDomain && !alignedRelaxed(fromDomain, domain))
    return {
      name,
      status: 'warn',
      message: `the sender's domain ${fromDomain} (SPOOR_EMAIL_FROM) is not in ${domain}'s organisational domain: DMARC will not count the signature`,
    };
  const record = `${dkim.keySelector}._domainkey.${domain}`;
  let published: string | undefined;
  try {
    const resolver = new dns.Resolver({ timeout: 3_000, tries: 1 });
    const txt = (await resolver.resolveTxt(record)).map((parts) => parts.join(''));
    published = txt
      .map((entry) => /(?:^|;)\s*p=([^;]*)/.exec(entry)?.[1]?.replace(/\s+/g, ''))
      .find((p) => p !== undefined);
  } catch (error) {
    return {
      name,
      status: 'warn',
      message: `the key parses; no DNS record found at ${record} (${(error as NodeJS.ErrnoException).code ?? 'lookup failed'}): publish "v=DKIM1; k=rsa; p=${publicKey}"`,
    };
  }
  if (published !== publicKey)
    return {
      name,
      status: 'fail',
      message: `the DNS record at ${record} does not hold this key's public key: publish "v=DKIM1; k=rsa; p=${publicKey}"`,
    };
  return { name, status: 'ok', message: `the key parses and matches the DNS record at ${record}` };
}

/** Pure: whether SPF can align for DMARC with the envelope senders in use (domain-alignment.ts). */
export function checkEnvelope(config: Config): Check {
  const name = 'envelope';
  const warnings = envelopeAlignmentWarnings(config);
  if (warnings.length > 0) return { name, status: 'warn', message: warnings.join(' ') };
  const envelope = config.bounces.domain
    ? `b+…@${config.bounces.domain} (VERP)`
    : (config.smtp.envelopeFrom ?? 'the From address');
  return { name, status: 'ok', message: `envelope sender ${envelope}, aligned with the From domain` };
}

const LOCAL_HOSTS = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/** Pure: the public URL check (production = NODE_ENV=production). */
export function checkPublicUrl(publicUrl: string, production: boolean): Check {
  const name = 'public-url';
  let url: URL;
  try {
    url = new URL(publicUrl);
  } catch {
    return { name, status: 'fail', message: `"${publicUrl}" is not an absolute URL` };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return { name, status: 'fail', message: `${publicUrl} must be http or https` };
  if (url.search || url.hash)
    return { name, status: 'fail', message: `${publicUrl} must not have a query or fragment` };
  if (url.protocol === 'https:') return { name, status: 'ok', message: publicUrl };
  if (LOCAL_HOSTS.test(url.hostname))
    return {
      name,
      status: production ? 'fail' : 'ok',
      message: `${publicUrl} (local${production ? ': set SPOOR_PUBLIC_URL to the https address people reach' : ''})`,
    };
  return {
    name,
    status: production ? 'fail' : 'warn',
    message: `${publicUrl} is not https: browsers block tracking from https pages to it, and cookies and links travel in clear`,
  };
}
