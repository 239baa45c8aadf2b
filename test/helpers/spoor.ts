// Starts Spoor in this process on a test database, the way main.ts does, for HTTP-level tests.
import type { FastifyInstance } from 'fastify';
import { createApiKey } from '../../src/access/api-keys.ts';
import { buildApp } from '../../src/app.ts';
import { type Config, loadConfig } from '../../src/config.ts';
import { SEND_JOB } from '../../src/email/sends/store.ts';
import type { JobRunner } from '../../src/platform/jobs/runner.ts';
import { findJob } from '../../src/platform/jobs/store.ts';
import type { Storage } from '../../src/storage/database.ts';
import type { Ingestor } from '../../src/tracking/ingest.ts';
import { createWorkers } from '../../src/workers.ts';
import { waitFor } from '../support/wait-for.ts';
import type { TestDatabase } from './engines.ts';
import { assertContractKept, watchResponses } from './response-contract.ts';

export interface RunningSpoor {
  app: FastifyInstance;
  storage: Storage;
  ingestor: Ingestor;
  apiKey: string;
  config: Config;
  /** Admin request headers. */
  auth: { authorization: string };
  /** This node's job runner (sending, retention, submission retries): running with `workers: true`. */
  workers: JobRunner;
  /** Runs every job due now, in this call (for tests that do not keep the workers running). */
  runDueJobs(): Promise<number>;
  close(): Promise<void>;
}

export interface StartOptions {
  /** Start the job runner polling, as the server does (tests that send email). Default: off. */
  workers?: boolean;
}

export async function startSpoor(
  database: TestDatabase,
  overrides: Partial<Config> = {},
  options: StartOptions = {},
): Promise<RunningSpoor> {
  const config: Config = { ...loadConfig({ SPOOR_DEMO: 'false' }), ...overrides };
  const storage = database.open();
  const { app, ingestor } = await buildApp({ config, storage });
  const contract = watchResponses(app);
  await app.ready();
  const workers = await createWorkers({ storage, config, log: app.log });
  if (options.workers) await workers.start();
  const apiKey = await createApiKey(storage.db, 'test');
  return {
    app,
    storage,
    ingestor,
    apiKey,
    config,
    auth: { authorization: `Bearer ${apiKey}` },
    workers,
    runDueJobs: () => workers.runDue(),
    close: async () => {
      await workers.stop();
      await app.close();
      await storage.close();
      assertContractKept(contract);
    },
  };
}

export const CHROME_UA =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

let counter = 0;
/** A well-formed, unique event id. */
export function eventId(): string {
  counter += 1;
  return `evt${Date.now().toString(36)}${counter.toString(36).padStart(6, '0')}${Math.random().toString(36).slice(2, 8)}`;
}

/** Submits a form as the embed loader does (JSON as text/plain from an allowed origin); expects 200. */
export async function submitFormAsBrowser(
  spoor: RunningSpoor,
  formId: string,
  fields: Record<string, unknown>,
  options: { origin: string; cookie?: string },
): Promise<{ ok: boolean; prefill?: string }> {
  const res = await spoor.app.inject({
    method: 'POST',
    url: `/f/${formId}`,
    headers: {
      'content-type': 'text/plain;charset=UTF-8',
      'user-agent': CHROME_UA,
      origin: options.origin,
      ...(options.cookie ? { cookie: options.cookie } : {}),
    },
    payload: JSON.stringify(fields),
  });
  if (res.statusCode !== 200) throw new Error(`form submission answered ${res.statusCode}: ${res.body}`);
  return res.json();
}

/**
 * Sends one tracker hit to `/c` as the script does from `origin` (a page view of its home page unless
 * `body` says otherwise); expects 200 and returns the answer (visitor and visit ids).
 */
export async function collectAsBrowser(
  spoor: RunningSpoor,
  websiteId: string,
  body: Record<string, unknown>,
  options: { origin: string; cookie?: string | undefined; userAgent?: string },
): Promise<{ v: string; s: string }> {
  const res = await spoor.app.inject({
    method: 'POST',
    url: '/c',
    headers: {
      'content-type': 'text/plain;charset=UTF-8',
      'user-agent': options.userAgent ?? CHROME_UA,
      origin: options.origin,
      ...(options.cookie ? { cookie: options.cookie } : {}),
    },
    payload: JSON.stringify({ w: websiteId, e: eventId(), t: 'pv', u: `${options.origin}/`, ...body }),
  });
  if (res.statusCode !== 200) throw new Error(`collect answered ${res.statusCode}: ${res.body}`);
  return res.json();
}

/** Waits until a send is done or cancelled (through the admin API) and returns it. */
export async function sendFinished(spoor: RunningSpoor, id: string, timeoutMs = 25_000) {
  return waitFor(
    `send ${id} to finish`,
    async () => {
      const res = await spoor.app.inject({ method: 'GET', url: `/api/sends/${id}`, headers: spoor.auth });
      const send = res.json();
      return (send.status === 'done' || send.status === 'cancelled') && send;
    },
    { timeoutMs, intervalMs: 50 },
  );
}

/**
 * Waits until the job runner has let a send go (no job for it is left, so no worker can take it up),
 * then makes one pass over every due job, as the workers' next poll would: after it, a test can assert
 * that nothing more happens to the send without waiting for time to pass.
 */
export async function runnerLetGo(spoor: RunningSpoor, sendId: string): Promise<void> {
  await waitFor(
    `the job runner to let send ${sendId} go`,
    async () => (await findJob(spoor.storage.db, SEND_JOB, sendId)) === undefined,
  );
  await spoor.runDueJobs();
}
