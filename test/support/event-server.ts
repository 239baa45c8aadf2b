// The event website's HTTP suites share this set-up: a test database of the engine, a loopback SMTP sink,
// Spoor on https://spoor.test sending to it (jobs run by the test: `spoor.runDueJobs()`), the admin API and
// the public pages' form posts (same-origin, as a browser sends them), and an event made (and published)
// through the API the way a marketer makes one.
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, expect } from 'vitest';
import type { Config } from '../../src/config.ts';
import { createTestDatabase, type EngineName, type TestDatabase } from '../helpers/engines.ts';
import { type SmtpSink, smtpConfigFor, startSmtpSink } from '../helpers/smtp-sink.ts';
import { type RunningSpoor, startSpoor } from '../helpers/spoor.ts';

export const EVENT_ORIGIN = 'https://spoor.test';

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
type Reply = Promise<LightMyRequestResponse>;

export interface EventServer {
  readonly spoor: RunningSpoor;
  readonly sink: SmtpSink;
  /** The admin API with a key holding every scope; answers the raw response. */
  api(method: Method, url: string, payload?: object): Reply;
  /** A public page's form post (urlencoded, from Spoor's own origin); a list value repeats the field. */
  form(url: string, fields: Record<string, string | string[]>, headers?: Record<string, string>): Reply;
  /** An event made through the API (201 expected) and, unless `publish` is false, published. */
  newEvent(fields: object, options?: { publish?: boolean }): Promise<{ id: string; slug: string }>;
}

/** Registers the hooks (call inside describe): the database, the sink and Spoor, closed after the file. */
export function useEventServer(engine: EngineName, overrides: Partial<Config> = {}): EventServer {
  let database: TestDatabase | undefined;
  let spoor: RunningSpoor | undefined;
  let sink: SmtpSink | undefined;
  beforeAll(async () => {
    database = await createTestDatabase(engine);
    sink = await startSmtpSink();
    spoor = await startSpoor(database, {
      publicUrl: EVENT_ORIGIN,
      formRateLimit: 100_000,
      smtp: smtpConfigFor(sink, { pool: 1 }),
      ...overrides,
    });
  });
  afterAll(async () => {
    await spoor?.close();
    await sink?.close();
    await database?.drop();
  });
  const server: EventServer = {
    get spoor() {
      if (!spoor) throw new Error('Spoor is not started yet.');
      return spoor;
    },
    get sink() {
      if (!sink) throw new Error('The SMTP sink is not started yet.');
      return sink;
    },
    api: (method, url, payload) =>
      server.spoor.app.inject({ method, url, headers: server.spoor.auth, ...(payload ? { payload } : {}) }),
    form(url, fields, headers = {}) {
      const body = new URLSearchParams();
      for (const [key, value] of Object.entries(fields))
        for (const one of Array.isArray(value) ? value : [value]) body.append(key, one);
      return server.spoor.app.inject({
        method: 'POST',
        url,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          origin: EVENT_ORIGIN,
          ...headers,
        },
        payload: body.toString(),
      });
    },
    async newEvent(fields, { publish = true } = {}) {
      const created = await server.api('POST', '/api/events', fields);
      expect(created.statusCode, created.body).toBe(201);
      const event = created.json() as { id: string; slug: string };
      if (publish) {
        const published = await server.api('POST', `/api/events/${event.id}/publish`);
        expect(published.statusCode, published.body).toBe(200);
      }
      return event;
    },
  };
  return server;
}
