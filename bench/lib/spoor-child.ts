// Spoor as a child process, started the way an operator starts it, plus the admin API calls the bench needs.
import { randomBytes } from 'node:crypto';
import { type Child, freePort, startChild } from './processes.ts';

export interface SpoorChild extends Child {
  apiKey: string;
  registerWebsite(name: string): Promise<string>;
  report(websiteId: string, from: string, to: string): Promise<SpoorReport>;
  /** An admin GET (a dashboard endpoint), answered 2xx; its JSON. */
  get<T = unknown>(path: string): Promise<T>;
  /** An admin POST with a JSON body (a read that takes a body, as the send estimate), answered 2xx; its JSON. */
  post<T = unknown>(path: string, body: unknown): Promise<T>;
}

export interface SpoorReport {
  pageviews: number;
  visits: number;
  uniqueVisitors: number | null;
  uniqueVisitorsMethod: 'exact' | 'estimate' | 'unavailable';
}

export interface SpoorStart {
  name: string;
  databaseUrl: string;
  /** An admin key already stored in the database (the bootstrap key only installs into a key-less one). */
  apiKey?: string;
  /** More settings for this node (SMTP for a send, limits), over the bench's own. */
  env?: Record<string, string>;
  /** The port to listen on (a bench given a range of its own); a free one when absent. */
  port?: number;
}

export function newApiKey(): string {
  return `spk_bench${randomBytes(24).toString('base64url')}`;
}

/** The settings every bench run gives Spoor: loopback, no demo, quiet, no collect limit, a known key. */
export function benchServerEnv(port: number, databaseUrl: string, apiKey: string): Record<string, string> {
  return {
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: databaseUrl,
    SPOOR_DEMO: 'false',
    SPOOR_LOG_LEVEL: 'warn',
    SPOOR_COLLECT_RATE_LIMIT: '10000000',
    SPOOR_BOOTSTRAP_API_KEY: apiKey,
  };
}

export async function startSpoor(options: SpoorStart): Promise<SpoorChild> {
  const apiKey = options.apiKey ?? newApiKey();
  const port = options.port ?? (await freePort());
  const child = await startChild({
    name: options.name,
    // Spoor as shipped: the compiled dist/main.js that `npm run bench` builds first.
    nodeArgs: ['dist/main.js'],
    env: { ...benchServerEnv(port, options.databaseUrl, apiKey), ...options.env },
    port,
    readyPath: '/healthz',
  });
  const auth = { authorization: `Bearer ${apiKey}` };

  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(child.url + path, {
      method,
      headers: body === undefined ? auth : { ...auth, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok)
      throw new Error(`${options.name}: ${method} ${path} answered ${response.status}: ${text}`);
    return JSON.parse(text) as T;
  }

  return {
    ...child,
    apiKey,
    registerWebsite: async (name) =>
      (
        await call<{ id: string }>('POST', '/api/websites', {
          name,
          allowedOrigins: ['https://bench.example'],
        })
      ).id,
    get: (path) => call('GET', path),
    post: (path, body) => call('POST', path, body),
    report: (websiteId, from, to) =>
      call<SpoorReport>('GET', `/api/websites/${encodeURIComponent(websiteId)}/report?from=${from}&to=${to}`),
  };
}
