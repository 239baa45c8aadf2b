// The only reader of process.env: every setting Spoor takes, validated once at start-up.
import { readFileSync } from 'node:fs';

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
  logLevel: string;
  /** An admin API key to install when the database has none (for scripted deployments). */
  bootstrapApiKey: string | undefined;
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
    logLevel: env['SPOOR_LOG_LEVEL'] || 'info',
    bootstrapApiKey: bootstrapKey(env),
  };
}
