// SMTP refusals through a real SMTP server on loopback, on SQLite and PostgreSQL: only a refusal of the
// address suppresses it; a relay that refuses everyone for reasons not theirs pauses the send with a
// clear error, and after the relay is fixed and the send resumed everyone is delivered; a full
// mailbox or a 4xx is retried. And every SMTP session Spoor opens ends with QUIT.
import { createServer, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailTransport } from '../src/email/sends/transport.ts';
import { createTestDatabase, describeEachEngine, type TestDatabase } from './helpers/engines.ts';
import { type SmtpSink, smtpConfigFor, startSmtpSink } from './helpers/smtp-sink.ts';
import { type RunningSpoor, runnerLetGo, sendFinished, startSpoor } from './helpers/spoor.ts';
import { addToList, createContact, createList, createMessage } from './support/factories.ts';
import { waitFor } from './support/wait-for.ts';

const PUBLIC_URL = 'https://track.spoor.test';
let counter = 0;

async function mailing(spoor: RunningSpoor, addresses: string[]) {
  counter += 1;
  const listId = await createList(spoor, `Mailing ${counter}`);
  for (const email of addresses) await addToList(spoor, listId, [await createContact(spoor, { email })]);
  const messageId = await createMessage(spoor, { subject: 'Hello', html: '<p>Hello</p>' });
  const res = await spoor.app.inject({
    method: 'POST',
    url: '/api/sends',
    headers: spoor.auth,
    payload: { messageId, listIds: [listId] },
  });
  expect(res.statusCode, res.body).toBe(202);
  return res.json().id as string;
}

async function api(spoor: RunningSpoor, method: 'GET' | 'POST', url: string) {
  const res = await spoor.app.inject({ method, url, headers: spoor.auth });
  return { status: res.statusCode, body: res.json() };
}

async function sendStatus(spoor: RunningSpoor, id: string, wanted: string, timeoutMs = 20_000) {
  const ended = (status: string) => status === 'done' || status === 'cancelled';
  const body = await waitFor(
    `send ${id} to be ${wanted}`,
    async () => {
      const { body } = await api(spoor, 'GET', `/api/sends/${id}`);
      return (body.status === wanted || ended(body.status)) && body;
    },
    { timeoutMs, intervalMs: 50 },
  );
  if (body.status !== wanted)
    throw new Error(`send ${id} is ${body.status}, not ${wanted}: ${JSON.stringify(body.progress)}`);
  return body;
}

async function suppressed(spoor: RunningSpoor, email: string): Promise<boolean> {
  const { status, body } = await api(spoor, 'GET', `/api/suppressions?email=${encodeURIComponent(email)}`);
  expect(status).toBe(200);
  return body.suppressions.length > 0;
}

describeEachEngine('SMTP refusals', (engine) => {
  let database: TestDatabase;
  let sink: SmtpSink;
  let spoor: RunningSpoor;

  beforeAll(async () => {
    database = await createTestDatabase(engine);
    sink = await startSmtpSink();
    spoor = await startSpoor(
      database,
      {
        publicUrl: PUBLIC_URL,
        sendPollMs: 50,
        smtpRetryBaseMs: 100,
        smtpMaxAttempts: 3,
        smtpPauseAfterRefusals: 3,
        // One connection: recipients are tried one after another, as the pause rule counts them.
        smtp: smtpConfigFor(sink, { pool: 1 }),
      },
      { workers: true },
    );
  });
  afterAll(async () => {
    await spoor?.close();
    await sink?.close();
    await database?.drop();
  });

  it('a relay refusing everyone pauses the send with a clear error, suppresses no one, and resumes once fixed', async () => {
    const addresses = [1, 2, 3, 4, 5, 6].map((n) => `relay${n}@example.com`);
    for (const address of addresses)
      sink.refuse(address, { code: 554, message: '5.7.1 Relay access denied' });
    const id = await mailing(spoor, addresses);

    const paused = await sendStatus(spoor, id, 'paused');
    expect(paused.error).toBe(
      'The relay refused 3 recipients in a row for a reason that is not theirs: 554 5.7.1 Relay access denied. Fix the relay settings, then resume the send.',
    );
    expect(paused.progress).toMatchObject({ hardBounces: 0, softBounces: 0, accepted: 0, policyRefusals: 3 });
    // The relay's last word, with its time, as for a server that cannot be reached (lastError).
    expect(paused.lastError.message).toBe(
      `The SMTP server 127.0.0.1:${sink.port} refused: 554 5.7.1 Relay access denied`,
    );
    expect(Number.isNaN(Date.parse(paused.lastError.at))).toBe(false);
    for (const address of addresses) expect(await suppressed(spoor, address)).toBe(false);
    // Each refusal is recorded on its recipient, who waits (pending) for the send to be resumed.
    const refused = (await api(spoor, 'GET', `/api/sends/${id}/recipients?status=pending`)).body.recipients;
    expect(refused).toHaveLength(6);
    expect(
      refused.filter(
        (r: { lastResponse: string | null }) => r.lastResponse === '554 5.7.1 Relay access denied',
      ),
    ).toHaveLength(3);
    // Paused means paused: no worker takes it up again by itself.
    const tried = addresses.map((address) => sink.attempts(address));
    await runnerLetGo(spoor, id);
    expect(addresses.map((address) => sink.attempts(address))).toEqual(tried);
    expect((await api(spoor, 'GET', `/api/sends/${id}`)).body.status).toBe('paused');

    // The relay is fixed; the operator resumes.
    for (const address of addresses) sink.refuse(address, { code: 554, times: 0 });
    const resumed = await api(spoor, 'POST', `/api/sends/${id}/resume`);
    expect(resumed.status).toBe(200);
    expect(resumed.body).toMatchObject({ status: 'sending', error: null });
    const done = await sendFinished(spoor, id);
    expect(done.progress).toMatchObject({ sent: 6, accepted: 6, hardBounces: 0, softBounces: 0, pending: 0 });
    for (const address of addresses) {
      expect(sink.receivedBy(address)).toHaveLength(1);
      expect(await suppressed(spoor, address)).toBe(false);
    }
    const again = await api(spoor, 'POST', `/api/sends/${id}/resume`);
    expect(again.status).toBe(409);
    expect(again.body.message).toMatch(/not paused/);
  });

  it('only a refusal of the address suppresses it: user unknown does, content rejected does not', async () => {
    sink.refuse('unknown@example.com', { code: 550, message: '5.1.1 <unknown@example.com>: User unknown' });
    sink.refuse('content@example.com', { code: 550, message: '5.7.1 Message content rejected' });
    const id = await mailing(spoor, [
      'unknown@example.com',
      'content@example.com',
      'ok1@example.com',
      'ok2@example.com',
    ]);
    const done = await sendFinished(spoor, id);

    expect(done.status).toBe('done');
    expect(done.progress).toMatchObject({
      sent: 4,
      accepted: 2,
      hardBounces: 1,
      softBounces: 1,
      policyRefusals: 3,
    });
    expect(await suppressed(spoor, 'unknown@example.com')).toBe(true);
    expect(await suppressed(spoor, 'content@example.com')).toBe(false);
    // Retried like a temporary refusal (a content filter may change its mind), then a soft bounce.
    expect(sink.attempts('content@example.com')).toBe(3);
    const { body } = await api(spoor, 'GET', `/api/sends/${id}/recipients`);
    const byEmail = new Map(body.recipients.map((r: { email: string }) => [r.email, r]));
    expect(byEmail.get('content@example.com')).toMatchObject({
      status: 'soft_bounce',
      attempts: 3,
      lastResponse: '550 5.7.1 Message content rejected',
    });
    expect(byEmail.get('unknown@example.com')).toMatchObject({
      status: 'hard_bounce',
      lastResponse: '550 5.1.1 <unknown@example.com>: User unknown',
    });
    expect(byEmail.get('ok1@example.com')).toMatchObject({ status: 'sent', attempts: 1 });
    expect(sink.attempts('unknown@example.com')).toBe(1);
    for (const address of ['ok1@example.com', 'ok2@example.com'])
      expect(sink.receivedBy(address)).toHaveLength(1);
  });

  it('a full mailbox and a 4xx are retried, never suppressed', async () => {
    sink.refuse('full@example.com', { code: 552, message: '5.2.2 <full@example.com>: Mailbox full' });
    sink.refuse('grey@example.com', { code: 450, message: '4.2.0 Greylisted, try again later', times: 1 });
    const id = await mailing(spoor, ['full@example.com', 'grey@example.com']);
    const done = await sendFinished(spoor, id);

    expect(done.progress).toMatchObject({ sent: 2, accepted: 1, hardBounces: 0, softBounces: 1 });
    expect(sink.attempts('full@example.com')).toBe(3);
    expect(sink.attempts('grey@example.com')).toBe(2);
    expect(sink.receivedBy('grey@example.com')).toHaveLength(1);
    expect(await suppressed(spoor, 'full@example.com')).toBe(false);
    expect(await suppressed(spoor, 'grey@example.com')).toBe(false);
  });

  it('a paused send can be cancelled; only a paused send can be resumed', async () => {
    const addresses = [1, 2, 3].map((n) => `stop${n}@example.com`);
    for (const address of addresses) sink.refuse(address, { code: 550, message: '5.7.1 Relaying denied' });
    const id = await mailing(spoor, addresses);
    await sendStatus(spoor, id, 'paused');
    const cancelled = await api(spoor, 'POST', `/api/sends/${id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    expect((await api(spoor, 'POST', `/api/sends/${id}/resume`)).status).toBe(409);
    expect((await api(spoor, 'POST', '/api/sends/nope/resume')).status).toBe(404);
    expect((await api(spoor, 'GET', '/api/sends/nope/recipients')).status).toBe(404);
    expect((await api(spoor, 'GET', `/api/sends/${id}/recipients?status=lost`)).status).toBe(400);
    const page = await api(spoor, 'GET', `/api/sends/${id}/recipients?limit=2`);
    expect(page.body.recipients).toHaveLength(2);
    const rest = await api(
      spoor,
      'GET',
      `/api/sends/${id}/recipients?limit=2&cursor=${page.body.nextCursor}`,
    );
    expect(rest.body).toMatchObject({ nextCursor: null });
    expect(rest.body.recipients).toHaveLength(1);
  });
});

/** A raw SMTP server on loopback that records every command of every session, QUIT included. */
async function startRecordingSmtp(refuse: Set<string>) {
  const sessions: { commands: string[]; closed: boolean }[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    const session = { commands: [] as string[], closed: false };
    sessions.push(session);
    let buffer = '';
    let inData = false;
    const reply = (line: string) => socket.write(`${line}\r\n`);
    socket.on('close', () => {
      session.closed = true;
      sockets.delete(socket);
    });
    socket.on('error', () => {});
    socket.on('data', (chunk) => {
      buffer += chunk.toString('latin1');
      for (;;) {
        if (inData) {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end < 0) return;
          buffer = buffer.slice(end + 5);
          inData = false;
          reply('250 2.0.0 Ok: queued');
          continue;
        }
        const eol = buffer.indexOf('\r\n');
        if (eol < 0) return;
        const line = buffer.slice(0, eol);
        buffer = buffer.slice(eol + 2);
        const verb = line.split(/[ :]/)[0]!.toUpperCase();
        session.commands.push(verb);
        if (verb === 'EHLO' || verb === 'HELO') reply('250 raw.test');
        else if (verb === 'MAIL' || verb === 'RSET' || verb === 'NOOP') reply('250 2.0.0 Ok');
        else if (verb === 'RCPT') {
          const address = /<([^>]*)>/.exec(line)?.[1]?.toLowerCase() ?? '';
          reply(refuse.has(address) ? '550 5.1.1 User unknown' : '250 2.1.5 Ok');
        } else if (verb === 'DATA') {
          inData = true;
          reply('354 End data with <CR><LF>.<CR><LF>');
        } else if (verb === 'QUIT') {
          reply('221 2.0.0 Bye');
          socket.end();
          return;
        } else reply('502 5.5.2 Error: command not recognized');
      }
    });
    reply('220 raw.test ESMTP');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    sessions,
    async allClosed(timeoutMs = 10_000) {
      await waitFor(
        'every SMTP session to close',
        () => sessions.every((session) => session.closed),
        timeoutMs,
      );
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

describe('SMTP sessions and settings', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
  });
  afterAll(async () => database.drop());

  it('every session ends with QUIT: when there is nothing left to send, and at shutdown', async () => {
    const server = await startRecordingSmtp(new Set(['gone@example.com']));
    const spoor = await startSpoor(
      database,
      {
        publicUrl: PUBLIC_URL,
        sendPollMs: 50,
        smtp: smtpConfigFor({ port: server.port }, { pool: 2 }),
      },
      { workers: true },
    );
    try {
      const first = await mailing(spoor, [
        'a@example.com',
        'b@example.com',
        'gone@example.com',
        'c@example.com',
      ]);
      expect((await sendFinished(spoor, first)).progress).toMatchObject({ accepted: 3, hardBounces: 1 });
      // Nothing left to send: the worker ends its sessions instead of leaving them to time out.
      await server.allClosed();
      const second = await mailing(spoor, ['d@example.com', 'e@example.com', 'f@example.com']);
      expect((await sendFinished(spoor, second)).progress).toMatchObject({ accepted: 3 });
    } finally {
      await spoor.close();
    }
    await server.allClosed();
    await server.close();
    expect(server.sessions.length).toBeGreaterThanOrEqual(2);
    for (const session of server.sessions) {
      expect(session.commands).toContain('MAIL');
      expect(session.commands.at(-1)).toBe('QUIT');
    }
  });

  it('a login the relay refuses pauses the send instead of retrying it forever', async () => {
    const sink = await startSmtpSink({ tls: true, auth: { user: 'mailer', pass: 's3cret' } });
    const spoor = await startSpoor(
      database,
      {
        publicUrl: PUBLIC_URL,
        sendPollMs: 50,
        smtpPauseAfterRefusals: 2,
        smtp: smtpConfigFor(sink, { requireTls: true, user: 'mailer', password: 'wrong', pool: 1 }),
      },
      { workers: true },
    );
    try {
      const id = await mailing(spoor, ['l1@example.com', 'l2@example.com', 'l3@example.com']);
      const paused = await sendStatus(spoor, id, 'paused');
      expect(paused.error).toMatch(
        /^The relay refused 2 recipients in a row for a reason that is not theirs: .*535/,
      );
      expect(paused.progress).toMatchObject({ hardBounces: 0, softBounces: 0, accepted: 0 });
      expect(sink.messages).toHaveLength(0);
    } finally {
      await spoor.close();
      await sink.close();
    }
  });

  it('closing the transport says QUIT on every connection and waits for the reply', async () => {
    const server = await startRecordingSmtp(new Set());
    const transport = createMailTransport(smtpConfigFor({ port: server.port }, { pool: 3 }));
    const verdicts = await Promise.all(
      ['x@example.com', 'y@example.com', 'z@example.com'].map((to, n) =>
        transport.deliver({
          from: 'news@spoor.test',
          to,
          subject: 'Hi',
          text: 'Hi',
          messageId: `<m${n}@spoor.test>`,
        }),
      ),
    );
    expect(verdicts.map((verdict) => verdict.kind)).toEqual(['accepted', 'accepted', 'accepted']);
    await transport.close();
    // close() resolved after the server's reply to QUIT: every session has already said it.
    expect(server.sessions.map((session) => session.commands.at(-1))).toEqual(
      server.sessions.map(() => 'QUIT'),
    );
    await server.allClosed();
    await server.close();
  });
});
