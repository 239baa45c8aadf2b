// A client that hangs up mid-request is not a server error: no error-level log line for it, on any kind of
// body; a real unhandled error still gets one. Over a real socket, with the server's real logger.
import net from 'node:net';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApiKey } from '../src/access/api-keys.ts';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import type { Storage } from '../src/storage/database.ts';
import { createTestDatabase, describeEachEngine, type TestDatabase } from './helpers/engines.ts';
import { waitFor } from './support/wait-for.ts';

interface LogLine {
  level: number;
  msg: string;
  reqId?: string;
  req?: { url: string };
  err?: { message: string };
}

describeEachEngine('client hang-ups', (engine) => {
  let database: TestDatabase;
  let storage: Storage;
  let app: FastifyInstance;
  let port: number;
  let key: string;
  const lines: LogLine[] = [];
  /** Paths whose body the server has started to read (past the key check and every onRequest hook). */
  const reading = new Set<string>();
  /** Paths the server has answered (the error handler has run and logged), whether anyone still listens or not. */
  const answered = new Set<string>();

  beforeAll(async () => {
    database = await createTestDatabase(engine);
    storage = database.open();
    const stream = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n')) if (line) lines.push(JSON.parse(line));
        done();
      },
    });
    const logger = { level: 'debug', stream } as { level: string };
    ({ app } = await buildApp({ config: loadConfig({ SPOOR_DEMO: 'false' }), storage, logger }));
    // Real failures, for the converse: one plain, one a connection reset while the client still waits.
    app.get('/test/boom', async () => {
      throw new Error('boom');
    });
    app.get('/test/reset', async () => {
      throw Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    });
    app.addHook('preParsing', (request, _reply, payload, done) => {
      reading.add(request.url.split('?')[0] as string);
      done(null, payload);
    });
    app.addHook('onSend', (request, _reply, payload, done) => {
      answered.add(request.url.split('?')[0] as string);
      done(null, payload);
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as net.AddressInfo).port;
    key = await createApiKey(storage.db, 'test');
  });
  afterAll(async () => {
    await app.close();
    await storage.close();
    await database.drop();
  });

  /** Lines logged for the request to `url` once the server has answered it. */
  async function linesOf(url: string): Promise<LogLine[]> {
    await waitFor(`${url} answered`, () => answered.has(url));
    const id = lines.find((line) => line.req?.url === url)?.reqId;
    return lines.filter((line) => id !== undefined && line.reqId === id);
  }

  /** Sends the headers and half of the body, waits until the server is reading it, then disconnects. */
  async function hangUp(path: string, type: string, half: string, auth = false): Promise<LogLine[]> {
    // One request at a time: what is logged from here on is this request's.
    lines.length = 0;
    reading.clear();
    answered.clear();
    const socket = net.connect(port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(
      `POST ${path} HTTP/1.1\r\nHost: spoor.test\r\nContent-Type: ${type}\r\nContent-Length: 100000\r\n` +
        `${auth ? `Authorization: Bearer ${key}\r\n` : ''}\r\n${half}`,
    );
    await waitFor(`${path} being read`, () => reading.has(path));
    socket.destroy();
    return linesOf(path);
  }

  it.each([
    [
      'a CSV import (streamed)',
      '/api/contacts/import',
      'text/csv',
      'email,firstName\na@b.example,Ann\n',
      true,
    ],
    ['a JSON admin request', '/api/contacts', 'application/json', '{"email":"a@b.', true],
    ['a collect request', '/c', 'text/plain', '{"w":"abc","e":', false],
    ['a form post', '/f/abc', 'application/x-www-form-urlencoded', 'email=a%40b.', false],
    ['a one-click unsubscribe', '/e/u/abc', 'multipart/form-data; boundary=x', '--x\r\nContent-Disp', false],
  ])('is logged below error level: %s', async (_name, path, type, half, auth) => {
    const own = await hangUp(path, type, half, auth);
    expect(own.filter((line) => line.level >= 50)).toEqual([]);
  });

  it('the streamed import that used to be an "unhandled error" is a debug line', async () => {
    const own = await hangUp('/api/contacts/import', 'text/csv', 'email\na@b.example\n', true);
    expect(own.filter((line) => line.level >= 50)).toEqual([]);
    expect(own.some((line) => line.level === 20 && /hung up/.test(line.msg))).toBe(true);
  });

  it('a real unhandled error is still an error line', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/test/boom`);
    expect(res.status).toBe(500);
    const own = await linesOf('/test/boom');
    expect(own.some((line) => line.level === 50 && line.msg === 'unhandled error')).toBe(true);
  });

  it('a connection reset while the client still waits is the database going away: 503 and an error line', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/test/reset`);
    expect(res.status).toBe(503);
    expect((await res.json()).error).toBe('unavailable');
    await linesOf('/test/reset');
    expect(lines.some((line) => line.level === 50 && /database unavailable/.test(line.msg ?? ''))).toBe(true);
  });
});
