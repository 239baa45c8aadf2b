// Send throughput: messages per second from a queued send to a loopback SMTP server, through the real
// send worker (preparing recipients, Liquid rendering, token signing for every link and the pixel,
// DKIM-less nodemailer pool, outcome writes). Run alone: npx tsx bench/send-throughput.ts [recipients]
// [DATABASE_URL]; defaults to 5000 recipients on a temporary SQLite file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SMTPServer } from 'smtp-server';
import { loadConfig } from '../../src/config.ts';
import { insertContacts } from '../../src/contacts/store.ts';
import { createSend } from '../../src/email/sends/manage-sends.ts';
import { newId } from '../../src/lib/ids.ts';
import { stderrLogger } from '../../src/lib/logger.ts';
import { openStorage } from '../../src/storage/database.ts';
import { migrateToLatest } from '../../src/storage/migrate.ts';
import { startWorkers } from '../../src/workers.ts';

export interface SendThroughputResult {
  recipients: number;
  pool: number;
  engine: 'sqlite' | 'postgres';
  /** Queued → every recipient expanded (status 'sending'). */
  prepareMs: number;
  /** First claim → done. */
  sendMs: number;
  messagesPerSecond: number;
}

const HTML = `<html><body><h1>Spring news for {{ contact.first_name }}</h1>
<p>Dear {{ contact.first_name }} {{ contact.last_name }}, here is what is new at {{ contact.company }}.</p>
${Array.from({ length: 8 }, (_, i) => `<p><a href="https://www.shop.example/item/${i}?utm_source=news">Item ${i}</a></p>`).join('\n')}
<p><a href="{{ unsubscribe_url }}">Unsubscribe</a></p></body></html>`;

/** A loopback SMTP server that takes every message and only counts them (no parsing: the sender is measured). */
async function startCountingSink(): Promise<{
  port: number;
  count: () => number;
  close: () => Promise<void>;
}> {
  let received = 0;
  const server = new SMTPServer({
    logger: false,
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    onData(stream, _session, callback) {
      stream.on('data', () => {});
      stream.on('end', () => {
        received += 1;
        callback(null, 'OK');
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    count: () => received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export async function benchSendThroughput(
  options: { recipients?: number; databaseUrl?: string; pool?: number } = {},
): Promise<SendThroughputResult> {
  const recipients = options.recipients ?? 5000;
  const pool = options.pool ?? 5;
  const dir = options.databaseUrl ? undefined : mkdtempSync(join(tmpdir(), 'spoor-send-bench-'));
  const databaseUrl = options.databaseUrl ?? `sqlite:${join(dir!, 'bench.db')}`;
  const storage = openStorage(databaseUrl);
  const sink = await startCountingSink();
  try {
    await migrateToLatest(storage.db);
    const now = Date.now();
    const listId = newId();
    const messageId = newId();
    await storage.db
      .insertInto('lists')
      .values({ id: listId, name: 'Bench', description: null, created_at: now, updated_at: now })
      .execute();
    await storage.db
      .insertInto('messages')
      .values({
        id: messageId,
        name: 'Bench',
        subject: 'Spring news for {{ contact.first_name }}',
        html: HTML,
        text: null,
        from_name: null,
        from_email: null,
        reply_to: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    const contacts = Array.from({ length: recipients }, (_, i) => ({
      id: newId(),
      row: {
        email: `reader${i}@bench.example`,
        first_name: `Reader${i}`,
        last_name: 'Bench',
        company: 'Example Ltd',
        phone: null,
        job_title: null,
        country: null,
        custom: {},
      },
    }));
    await insertContacts(storage.db, contacts, now);
    for (let at = 0; at < contacts.length; at += 1000) {
      await storage.db
        .insertInto('list_members')
        .values(
          contacts.slice(at, at + 1000).map((contact) => ({
            list_id: listId,
            contact_id: contact.id,
            status: 'subscribed' as const,
            source: 'api',
            added_at: now,
            unsubscribed_at: null,
            unsubscribed_send_id: null,
          })),
        )
        .execute();
    }

    const config = {
      ...loadConfig({ SPOOR_DEMO: 'false', SPOOR_PUBLIC_URL: 'https://track.bench.example' }),
      sendPollMs: 20,
      smtp: {
        host: '127.0.0.1',
        port: sink.port,
        secure: false,
        requireTls: false,
        rejectUnauthorized: false,
        user: undefined,
        password: undefined,
        pool,
        rate: 0,
        dkim: undefined,
      },
    };
    const send = await createSend(storage.db, { messageId, listIds: [listId] });
    const queuedAt = performance.now();
    const workers = await startWorkers({ storage, config, log: stderrLogger });
    let preparedAt = 0;
    try {
      for (;;) {
        const row = await storage.db
          .selectFrom('sends')
          .select('status')
          .where('id', '=', send.id)
          .executeTakeFirstOrThrow();
        if (!preparedAt && (row.status === 'sending' || row.status === 'done'))
          preparedAt = performance.now();
        if (row.status === 'done') break;
        await new Promise((r) => setTimeout(r, 10));
      }
    } finally {
      await workers.stop();
    }
    const doneAt = performance.now();
    if (sink.count() !== recipients) throw new Error(`sink received ${sink.count()} of ${recipients}`);
    return {
      recipients,
      pool,
      engine: storage.engine,
      prepareMs: Math.round(preparedAt - queuedAt),
      sendMs: Math.round(doneAt - preparedAt),
      messagesPerSecond: Math.round((recipients / (doneAt - preparedAt)) * 1000),
    };
  } finally {
    await storage.close();
    await sink.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const recipients = Number(process.argv[2] ?? 5000);
  benchSendThroughput({ recipients, databaseUrl: process.argv[3] }).then(
    (result) => console.log(JSON.stringify(result, null, 2)),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
