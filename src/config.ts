// The only reader of process.env: every setting Spoor takes, validated once at start-up.
import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import type { SigningKey } from './lib/tokens.ts';

export interface Config {
  host: string;
  port: number;
  /** Public base URL of the tracking host, used in snippets and printed URLs. */
  publicUrl: string;
  databaseUrl: string;
  /** Create the demo website and serve /demo/ on first start. */
  demo: boolean;
  /** Trust X-Forwarded-* from a reverse proxy (needed for client IPs behind nginx/Caddy). */
  trustProxy: boolean;
  tls: { key: string; cert: string } | undefined;
  /** Requests per minute per client IP on public tracking endpoints (per node). */
  collectRateLimit: number;
  /** Form submissions per minute per client IP (per node). */
  formRateLimit: number;
  /** Lifetime of the prefill cookie for contacts who chose "remember me". */
  prefillCookieDays: number;
  /** Minutes between passes of the retention job (it also runs on start). */
  retentionIntervalMinutes: number;
  /** Largest collect body accepted, in bytes. */
  collectBodyLimit: number;
  /** Group commit: largest number of events written in one transaction. */
  maxBatchSize: number;
  /** SQLite only: the largest the database may grow, in MiB (0: no limit); past it writes get 503. */
  sqliteMaxSizeMb: number;
  logLevel: string;
  /** An admin API key to install when the database has none (for scripted deployments). */
  bootstrapApiKey: string | undefined;
  /** Outgoing mail. */
  smtp: SmtpConfig;
  /** Sender when a message names none, e.g. "Acme <news@acme.example>". */
  emailFrom: string;
  /** Whether contacts who never chose allow email open/click tracking. */
  emailTrackingDefault: boolean;
  /** Keys that sign email tokens, newest first; undefined = keys kept in the database. */
  tokenKeys: SigningKey[] | undefined;
  /** How often each node's send worker looks for work, in ms. */
  sendPollMs: number;
  /** How often lead scoring reads the interaction feed (ms): how soon a score follows an interaction. */
  scoringIntervalMs: number;
  /** First retry delay after a temporary (4xx) SMTP refusal, in ms; doubles per attempt. */
  smtpRetryBaseMs: number;
  /** SMTP attempts per recipient before a temporary refusal counts as a soft bounce. */
  smtpMaxAttempts: number;
  /** Refusals not the recipients' (relay, sender, policy) in a row that pause a send. */
  smtpPauseAfterRefusals: number;
  /** A file of extra machine-open proxy ranges (CIDR per line), e.g. Apple's published egress list. */
  machineRangesFile: string | undefined;
  /** Bearer token that /metrics requires; with neither it nor metricsPort there is no /metrics. */
  metricsToken: string | undefined;
  /** A listener of its own for /metrics (then the public one has none). */
  metricsPort: number | undefined;
  /** Where that listener binds: loopback unless told otherwise. */
  metricsHost: string;
  /** Dashboard sessions: ended after this long unused, and this long after sign-in whatever happens. */
  sessionIdleMinutes: number;
  sessionMaxHours: number;
  /** Sign-in attempts per 15 minutes (per node): per account (email) and per client address. */
  signInAttemptsPerAccount: number;
  signInAttemptsPerAddress: number;
  /** Bounces after acceptance: the VERP return path and the SMTP receiver for it (src/email/bounces). */
  bounces: BounceConfig;
  /** Forward to a friend's limits (src/email/forwards, decision 026): the form is no open relay. */
  forwards: ForwardConfig;
  /** Email providers' webhooks besides SendGrid's (src/email/bounces/webhook-routes.ts). */
  espWebhooks: EspWebhookConfig;
  /** Days the bounce reports kept for administrators (GET /api/bounce-reports) are kept. */
  bounceReportDays: number;
  /** How long a freed event place is held for the next waitlisted person (decision 033). */
  eventWaitlistOfferHours: number;
  /** Outgoing webhooks (src/webhooks, decision 037). */
  webhooks: WebhookConfig;
}

export interface WebhookConfig {
  /** How often the feed is read into deliveries and due deliveries are sent, in ms. */
  pollMs: number;
  /** The whole exchange with a receiver, connect to last byte. */
  timeoutMs: number;
  /** Deliveries one node sends at once (each to a different endpoint × contact). */
  concurrency: number;
  /** Where Spoor's outgoing requests may go (src/platform/egress). */
  egress: { allowHttpHosts: string[]; allowPrivateHosts: string[]; ca: string | undefined };
}

export interface ForwardConfig {
  /** Addresses one post of the form may enter (the 5 at most). */
  perPost: number;
  /** Addresses one recipient may forward one email to, over all their posts. */
  perForwarderPerSend: number;
  /** Copies one address may receive in 24 hours, from every forwarder and email together. */
  perAddressPerDay: number;
}

export interface EspWebhookConfig {
  /** The SNS topics whose SES notifications are taken (and whose subscriptions are confirmed); empty = none. */
  sesTopicArns: string[];
  /**
   * Tests only, never read from the environment: the host rule and CA for SNS certificates and
   * confirmations, so a local HTTPS server can stand in for SNS. Production: sns.<region>.amazonaws.com.
   */
  snsTrust?: { host: RegExp; ca: string };
  /** Mailgun's HTTP webhook signing key; unset = no Mailgun webhook. */
  mailgunSigningKey: string | undefined;
  /** The Basic credentials put in Postmark's webhook URL; unset = no Postmark webhook. */
  postmark: { user: string; password: string } | undefined;
}

export interface BounceConfig {
  /** The domain of the per-recipient return path (b+<sealed>@domain); undefined = none, no receiver. */
  domain: string | undefined;
  /** The receiver's port (its MX or the relay's transport points at it). */
  smtpPort: number;
  smtpHost: string;
  /** Largest report taken, in bytes (a DSN carries the returned message). */
  maxBytes: number;
  /** A soft bounce suppresses when `softLimit` of the address's last `softWindow` sends soft-bounced. */
  softLimit: number;
  softWindow: number;
  /** SendGrid's event webhook verification key (base64 DER, as SendGrid shows it); unset = no webhook. */
  sendgridWebhookKey: string | undefined;
  /** The receiver's certificate and key (PEM): set, it offers STARTTLS; unset, it offers none. */
  tls?: { key: string; cert: string } | undefined;
}

export interface SmtpConfig {
  host: string;
  port: number;
  /** TLS from the first byte (port 465); otherwise STARTTLS when the server offers it. */
  secure: boolean;
  /** Refuse to send unless STARTTLS succeeds. */
  requireTls: boolean;
  /** Check the server's certificate (turn off only for a test server with a self-signed one). */
  rejectUnauthorized: boolean;
  user: string | undefined;
  password: string | undefined;
  /** Open connections per node. */
  pool: number;
  /** Messages per second per node; 0 = as fast as the server takes them. */
  rate: number;
  dkim: { domainName: string; keySelector: string; privateKey: string } | undefined;
  /**
   * The envelope sender (MAIL FROM, which becomes Return-Path) of mail without a VERP return path: every
   * email when there is no bounce domain, and Spoor's own mail. Undefined = the From address.
   */
  envelopeFrom?: string | undefined;
}

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}; got "${raw}".`);
  }
  return value;
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(`${name} must be true or false; got "${env[name]}".`);
}

function tlsFiles(env: Env): Config['tls'] {
  const keyPath = env['SPOOR_TLS_KEY'];
  const certPath = env['SPOOR_TLS_CERT'];
  if (!keyPath && !certPath) return undefined;
  if (!keyPath || !certPath) throw new ConfigError('Set both SPOOR_TLS_KEY and SPOOR_TLS_CERT, or neither.');
  try {
    return { key: readFileSync(keyPath, 'utf8'), cert: readFileSync(certPath, 'utf8') };
  } catch (error) {
    throw new ConfigError(`Cannot read the TLS key or certificate: ${(error as Error).message}`);
  }
}

function bootstrapKey(env: Env): string | undefined {
  const key = env['SPOOR_BOOTSTRAP_API_KEY'];
  if (!key) return undefined;
  if (!/^spk_[A-Za-z0-9_-]{24,}$/.test(key)) {
    throw new ConfigError(
      'SPOOR_BOOTSTRAP_API_KEY must look like spk_ followed by at least 24 of A-Z a-z 0-9 _ -.',
    );
  }
  return key;
}

function tokenKeys(env: Env): SigningKey[] | undefined {
  const raw = env['SPOOR_TOKEN_KEYS'];
  if (!raw) return undefined;
  const keys = raw.split(',').map((entry) => {
    const match = /^\s*(\d{1,3}):([A-Za-z0-9_+/=-]+)\s*$/.exec(entry);
    const secret = match ? Buffer.from(match[2] as string, 'base64') : Buffer.alloc(0);
    const version = Number(match?.[1]);
    if (!match || version < 1 || version > 255 || secret.length < 32) {
      throw new ConfigError(
        'SPOOR_TOKEN_KEYS must be a comma-separated list of version:base64-secret (versions 1-255, secrets of at least 32 bytes), newest first.',
      );
    }
    return { version, secret };
  });
  if (new Set(keys.map((key) => key.version)).size !== keys.length)
    throw new ConfigError('SPOOR_TOKEN_KEYS names a key version twice.');
  return keys;
}

function dkim(env: Env): SmtpConfig['dkim'] {
  const domainName = env['SPOOR_DKIM_DOMAIN'];
  const keySelector = env['SPOOR_DKIM_SELECTOR'];
  const keyFile = env['SPOOR_DKIM_KEY_FILE'];
  if (!domainName && !keySelector && !keyFile) return undefined;
  if (!domainName || !keySelector || !keyFile)
    throw new ConfigError(
      'DKIM needs all of SPOOR_DKIM_DOMAIN, SPOOR_DKIM_SELECTOR and SPOOR_DKIM_KEY_FILE.',
    );
  try {
    return { domainName, keySelector, privateKey: readFileSync(keyFile, 'utf8') };
  } catch (error) {
    throw new ConfigError(`Cannot read the DKIM private key: ${(error as Error).message}`);
  }
}

function smtp(env: Env): SmtpConfig {
  const secure = boolean(env, 'SPOOR_SMTP_SECURE', false);
  return {
    host: env['SPOOR_SMTP_HOST'] || 'localhost',
    port: integer(env, 'SPOOR_SMTP_PORT', secure ? 465 : 587, 1, 65535),
    secure,
    requireTls: boolean(env, 'SPOOR_SMTP_REQUIRE_TLS', false),
    rejectUnauthorized: boolean(env, 'SPOOR_SMTP_TLS_VERIFY', true),
    user: env['SPOOR_SMTP_USER'] || undefined,
    password: env['SPOOR_SMTP_PASSWORD'] || undefined,
    pool: integer(env, 'SPOOR_SMTP_POOL', 5, 1, 100),
    rate: integer(env, 'SPOOR_SMTP_RATE', 0, 0, 100_000),
    dkim: dkim(env),
    envelopeFrom: envelopeFrom(env),
  };
}

/** A bare address (no name, no angle brackets): it goes into MAIL FROM as it is. */
const ENVELOPE_ADDRESS = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9.-]{1,253}$/;

function envelopeFrom(env: Env): string | undefined {
  const raw = env['SPOOR_EMAIL_ENVELOPE_FROM']?.trim();
  if (!raw) return undefined;
  const domain = raw.slice(raw.lastIndexOf('@') + 1).toLowerCase();
  if (!ENVELOPE_ADDRESS.test(raw) || !DOMAIN.test(domain))
    throw new ConfigError(
      `SPOOR_EMAIL_ENVELOPE_FROM must be a bare address such as bounces@mail.example.com (no name, no <>); got "${raw.slice(0, 100)}".`,
    );
  return `${raw.slice(0, raw.lastIndexOf('@'))}@${domain}`;
}

const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/;

function bounces(env: Env): BounceConfig {
  const domain = env['SPOOR_BOUNCE_DOMAIN']?.trim().toLowerCase() || undefined;
  if (domain !== undefined && !DOMAIN.test(domain))
    throw new ConfigError(
      `SPOOR_BOUNCE_DOMAIN must be a domain name such as bounce.example.com; got "${domain}".`,
    );
  const softWindow = integer(env, 'SPOOR_SOFT_BOUNCE_WINDOW', 5, 1, 100);
  const softLimit = integer(env, 'SPOOR_SOFT_BOUNCE_LIMIT', 3, 1, 100);
  if (softLimit > softWindow)
    throw new ConfigError(
      `SPOOR_SOFT_BOUNCE_LIMIT (${softLimit}) cannot be more than SPOOR_SOFT_BOUNCE_WINDOW (${softWindow}): it counts soft bounces among that many sends.`,
    );
  return {
    domain,
    smtpPort: integer(env, 'SPOOR_BOUNCE_SMTP_PORT', 2525, 0, 65535),
    smtpHost: env['SPOOR_BOUNCE_SMTP_HOST'] || '0.0.0.0',
    maxBytes: integer(env, 'SPOOR_BOUNCE_MAX_BYTES', 2_097_152, 16_384, 104_857_600),
    softLimit,
    softWindow,
    sendgridWebhookKey: sendgridKey(env),
    tls: bounceTlsFiles(env),
  };
}

/** The bounce receiver's STARTTLS certificate and key, read here so a bad path stops the start. */
function bounceTlsFiles(env: Env): BounceConfig['tls'] {
  const keyPath = env['SPOOR_BOUNCE_TLS_KEY'];
  const certPath = env['SPOOR_BOUNCE_TLS_CERT'];
  if (!keyPath && !certPath) return undefined;
  if (!keyPath || !certPath)
    throw new ConfigError('Set both SPOOR_BOUNCE_TLS_KEY and SPOOR_BOUNCE_TLS_CERT, or neither.');
  const read = (name: string, path: string) => {
    try {
      return readFileSync(path, 'utf8');
    } catch (error) {
      throw new ConfigError(
        `Cannot read ${name} (${path}) for the bounce receiver's STARTTLS: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`,
      );
    }
  };
  const tls = { key: read('SPOOR_BOUNCE_TLS_KEY', keyPath), cert: read('SPOOR_BOUNCE_TLS_CERT', certPath) };
  try {
    createSecureContext(tls);
  } catch (error) {
    throw new ConfigError(
      `SPOOR_BOUNCE_TLS_KEY and SPOOR_BOUNCE_TLS_CERT must be a PEM private key and its certificate: ${(error as Error).message}.`,
    );
  }
  return tls;
}

function sendgridKey(env: Env): string | undefined {
  const raw = env['SPOOR_SENDGRID_WEBHOOK_KEY']?.replace(/-----[A-Z ]+-----|\s+/g, '');
  if (!raw) return undefined;
  try {
    const key = createPublicKey({ key: Buffer.from(raw, 'base64'), format: 'der', type: 'spki' });
    if (key.asymmetricKeyType !== 'ec') throw new Error('not an EC key');
  } catch {
    throw new ConfigError(
      'SPOOR_SENDGRID_WEBHOOK_KEY must be the verification key SendGrid shows for the signed event webhook (base64, an ECDSA public key).',
    );
  }
  return raw;
}

const TOPIC_ARN = /^arn:aws(?:-cn|-us-gov)?:sns:[a-z0-9-]{1,30}:\d{12}:[A-Za-z0-9_-]{1,256}(?:\.fifo)?$/;

function espWebhooks(env: Env): EspWebhookConfig {
  const arns = (env['SPOOR_SES_TOPIC_ARNS'] ?? '')
    .split(',')
    .map((arn) => arn.trim())
    .filter(Boolean);
  const wrong = arns.find((arn) => !TOPIC_ARN.test(arn));
  if (wrong)
    throw new ConfigError(
      `SPOOR_SES_TOPIC_ARNS must be a comma-separated list of SNS topic ARNs such as arn:aws:sns:eu-west-1:123456789012:ses-bounces; got "${wrong}".`,
    );
  const mailgunSigningKey = env['SPOOR_MAILGUN_WEBHOOK_SIGNING_KEY']?.trim() || undefined;
  if (mailgunSigningKey !== undefined && !/^[\x21-\x7e]{16,200}$/.test(mailgunSigningKey))
    throw new ConfigError(
      'SPOOR_MAILGUN_WEBHOOK_SIGNING_KEY must be the HTTP webhook signing key Mailgun shows (16 or more printable characters).',
    );
  const user = env['SPOOR_POSTMARK_WEBHOOK_USER'] || undefined;
  const password = env['SPOOR_POSTMARK_WEBHOOK_PASSWORD'] || undefined;
  if ((user === undefined) !== (password === undefined))
    throw new ConfigError(
      'Set both SPOOR_POSTMARK_WEBHOOK_USER and SPOOR_POSTMARK_WEBHOOK_PASSWORD, or neither.',
    );
  if (user !== undefined && !/^[\x21-\x39\x3b-\x7e]{1,100}$/.test(user))
    throw new ConfigError(
      'SPOOR_POSTMARK_WEBHOOK_USER must be printable characters without spaces or a colon.',
    );
  if (password !== undefined && !/^[\x21-\x7e]{16,200}$/.test(password))
    throw new ConfigError(
      'SPOOR_POSTMARK_WEBHOOK_PASSWORD must be at least 16 printable characters without spaces (e.g. openssl rand -hex 24).',
    );
  return {
    sesTopicArns: arns,
    mailgunSigningKey,
    postmark: user && password ? { user, password } : undefined,
  };
}

const HOST_NAME =
  /^(?:\*|[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*|[0-9a-f:.]+)$/;

function hostList(env: Env, name: string): string[] {
  const hosts = (env[name] ?? '')
    .split(',')
    .map((h) =>
      h
        .trim()
        .toLowerCase()
        .replace(/^\[(.*)\]$/, '$1'),
    )
    .filter((h) => h !== '');
  const wrong = hosts.find((h) => !HOST_NAME.test(h));
  if (wrong !== undefined)
    throw new ConfigError(
      `${name} must be a comma-separated list of host names or addresses; got "${wrong}".`,
    );
  return hosts;
}

function webhooks(env: Env): WebhookConfig {
  const caFile = env['SPOOR_EGRESS_CA_FILE'];
  let ca: string | undefined;
  if (caFile) {
    try {
      ca = readFileSync(caFile, 'utf8');
    } catch (error) {
      throw new ConfigError(`SPOOR_EGRESS_CA_FILE could not be read: ${(error as Error).message}`);
    }
  }
  return {
    pollMs: integer(env, 'SPOOR_WEBHOOK_POLL_MS', 1000, 10, 600_000),
    timeoutMs: integer(env, 'SPOOR_WEBHOOK_TIMEOUT_SECONDS', 15, 1, 120) * 1000,
    concurrency: integer(env, 'SPOOR_WEBHOOK_CONCURRENCY', 8, 1, 256),
    egress: {
      allowHttpHosts: hostList(env, 'SPOOR_EGRESS_HTTP_HOSTS'),
      allowPrivateHosts: hostList(env, 'SPOOR_EGRESS_PRIVATE_HOSTS'),
      ca,
    },
  };
}

function metricsToken(env: Env): string | undefined {
  const token = env['SPOOR_METRICS_TOKEN'];
  if (!token) return undefined;
  if (!/^[\x21-\x7e]{16,}$/.test(token))
    throw new ConfigError(
      'SPOOR_METRICS_TOKEN must be at least 16 printable characters without spaces (e.g. openssl rand -hex 24).',
    );
  return token;
}

export function loadConfig(env: Env = process.env): Config {
  const port = integer(env, 'PORT', 8080, 0, 65535);
  const host = env['HOST'] || '0.0.0.0';
  const tls = tlsFiles(env);
  const databaseUrl = env['DATABASE_URL'] || 'sqlite:./data/spoor.db';
  if (!/^(sqlite:|postgres(ql)?:\/\/)/.test(databaseUrl)) {
    throw new ConfigError(
      `DATABASE_URL must start with "sqlite:" (a file path or :memory:) or "postgres://"; got "${databaseUrl}".`,
    );
  }
  const publicUrl = (env['SPOOR_PUBLIC_URL'] || `${tls ? 'https' : 'http'}://localhost:${port}`).replace(
    /\/+$/,
    '',
  );
  try {
    new URL(publicUrl);
  } catch {
    throw new ConfigError(`SPOOR_PUBLIC_URL must be an absolute URL; got "${publicUrl}".`);
  }
  return {
    host,
    port,
    publicUrl,
    databaseUrl,
    demo: boolean(env, 'SPOOR_DEMO', true),
    trustProxy: boolean(env, 'SPOOR_TRUST_PROXY', false),
    tls,
    collectRateLimit: integer(env, 'SPOOR_COLLECT_RATE_LIMIT', 600, 1, 10_000_000),
    collectBodyLimit: integer(env, 'SPOOR_COLLECT_BODY_LIMIT', 8192, 256, 1_048_576),
    formRateLimit: integer(env, 'SPOOR_FORM_RATE_LIMIT', 30, 1, 10_000_000),
    prefillCookieDays: integer(env, 'SPOOR_PREFILL_DAYS', 90, 1, 400),
    retentionIntervalMinutes: integer(env, 'SPOOR_RETENTION_INTERVAL_MINUTES', 60, 1, 10_080),
    maxBatchSize: integer(env, 'SPOOR_MAX_BATCH', 256, 1, 10_000),
    sqliteMaxSizeMb: integer(env, 'SPOOR_SQLITE_MAX_SIZE_MB', 0, 0, 16_000_000),
    logLevel: env['SPOOR_LOG_LEVEL'] || 'info',
    bootstrapApiKey: bootstrapKey(env),
    smtp: smtp(env),
    emailFrom: env['SPOOR_EMAIL_FROM'] || `Spoor <spoor@${new URL(publicUrl).hostname}>`,
    emailTrackingDefault: boolean(env, 'SPOOR_EMAIL_TRACKING_DEFAULT', true),
    tokenKeys: tokenKeys(env),
    sendPollMs: integer(env, 'SPOOR_SEND_POLL_MS', 1000, 10, 600_000),
    scoringIntervalMs: integer(env, 'SPOOR_SCORING_INTERVAL_MS', 2000, 100, 600_000),
    smtpRetryBaseMs: integer(env, 'SPOOR_SMTP_RETRY_MS', 60_000, 1, 86_400_000),
    smtpMaxAttempts: integer(env, 'SPOOR_SMTP_MAX_ATTEMPTS', 4, 1, 20),
    smtpPauseAfterRefusals: integer(env, 'SPOOR_SMTP_PAUSE_AFTER_REFUSALS', 5, 1, 1_000_000),
    machineRangesFile: env['SPOOR_MACHINE_RANGES_FILE'] || undefined,
    metricsToken: metricsToken(env),
    metricsPort: env['SPOOR_METRICS_PORT'] ? integer(env, 'SPOOR_METRICS_PORT', 0, 1, 65535) : undefined,
    metricsHost: env['SPOOR_METRICS_HOST'] || '127.0.0.1',
    sessionIdleMinutes: integer(env, 'SPOOR_SESSION_IDLE_MINUTES', 30, 1, 10_080),
    sessionMaxHours: integer(env, 'SPOOR_SESSION_MAX_HOURS', 12, 1, 720),
    signInAttemptsPerAccount: integer(env, 'SPOOR_SIGN_IN_ATTEMPTS_PER_ACCOUNT', 10, 1, 1_000_000),
    signInAttemptsPerAddress: integer(env, 'SPOOR_SIGN_IN_ATTEMPTS_PER_ADDRESS', 50, 1, 1_000_000),
    bounces: bounces(env),
    forwards: {
      perPost: integer(env, 'SPOOR_FORWARD_MAX_PER_POST', 5, 1, 5),
      perForwarderPerSend: integer(env, 'SPOOR_FORWARD_MAX_PER_FORWARDER', 10, 1, 1_000),
      perAddressPerDay: integer(env, 'SPOOR_FORWARD_MAX_PER_ADDRESS_PER_DAY', 3, 1, 100),
    },
    espWebhooks: espWebhooks(env),
    bounceReportDays: integer(env, 'SPOOR_BOUNCE_REPORT_DAYS', 30, 1, 3650),
    eventWaitlistOfferHours: integer(env, 'SPOOR_EVENT_WAITLIST_OFFER_HOURS', 48, 1, 720),
    webhooks: webhooks(env),
  };
}

/** The session timeouts in milliseconds (src/access/sessions). */
export function sessionTimeouts(config: Config): { idleMs: number; absoluteMs: number } {
  return { idleMs: config.sessionIdleMinutes * 60_000, absoluteMs: config.sessionMaxHours * 3_600_000 };
}
