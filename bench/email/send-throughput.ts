// Send throughput: messages per second from a queued send to a loopback SMTP sink in its own process,
// through the real send worker (preparing recipients, the permission re-check, Liquid rendering, a
// sealed token for every link and the pixel, the MIME message, nodemailer's pool, DKIM when given,
// outcome writes), with the CPU per message of Spoor and of the sink. Run alone:
// BENCH_SEND_POOL=32 [BENCH_SEND_DKIM=true] npx tsx bench/email/send-throughput.ts [recipients]
// [DATABASE_URL]; defaults to 5000 recipients, 5 connections, a temporary SQLite file.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadConfig } from '../../src/config.ts';
import { insertContacts } from '../../src/contacts/store.ts';
import type { DkimKey } from '../../src/email/sends/dkim.ts';
import { createSend } from '../../src/email/sends/manage-sends.ts';
import { newId } from '../../src/lib/ids.ts';
import { stderrLogger } from '../../src/lib/logger.ts';
import { openStorage } from '../../src/storage/database.ts';
import { migrateToLatest } from '../../src/storage/migrate.ts';
import { startWorkers } from '../../src/workers.ts';
import { freePort, startChild } from '../lib/processes.ts';
import type { SinkHandle } from './send-ceilings.ts';

export interface SendThroughputResult {
  recipients: number;
  pool: number;
  dkim: boolean;
  engine: 'sqlite' | 'postgres';
  /** Queued → every recipient expanded (status 'sending'). */
  prepareMs: number;
  /** First claim → done. */
  sendMs: number;
  messagesPerSecond: number;
  /** CPU of the Spoor process (the send worker) per message while sending, µs (user + system). */
  spoorCpuMicros: number;
  /** CPU of the sink process per message, µs. */
  sinkCpuMicros: number;
}

export const HTML = `<html><body><h1>Spring news for {{ contact.first_name }}</h1>
<p>Dear {{ contact.first_name }} {{ contact.last_name }}, here is what is new at {{ contact.company }}.</p>
${Array.from({ length: 8 }, (_, i) => `<p><a href="https://www.shop.example/item/${i}?utm_source=news">Item ${i}</a></p>`).join('\n')}
<p><a href="{{ unsubscribe_url }}">Unsubscribe</a></p></body></html>`;

/** The sink process (bench/email/smtp-sink-server.ts): its SMTP port and counters. */
export interface SmtpSinkProcess extends SinkHandle {
  stop(): Promise<void>;
}

export async function startSinkProcess(): Promise<SmtpSinkProcess> {
  const httpPort = await freePort();
  const smtpPort = await freePort();
  const child = await startChild({
    name: 'loopback SMTP sink',
    nodeArgs: ['--import', 'tsx', 'bench/email/smtp-sink-server.ts', String(httpPort), String(smtpPort)],
    env: {},
    port: httpPort,
    readyPath: '/healthz',
  });
  return {
    port: smtpPort,
    async stats() {
      const response = await fetch(`${child.url}/count`);
      return (await response.json()) as { received: number; cpuMicros: number };
    },
    stop: () => child.stop(),
  };
}

/** A DKIM key for the bench (2048-bit RSA, as a real sender would use). */
export function benchDkimKey(): DkimKey {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    domainName: 'bench.example',
    keySelector: 'bench',
    privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

export async function benchSendThroughput(
  options: {
    recipients?: number;
    databaseUrl?: string;
    pool?: number;
    dkim?: DkimKey;
    /** A running sink (else one is started and stopped). */
    sink?: SmtpSinkProcess;
  } = {},
): Promise<SendThroughputResult> {
  const recipients = options.recipients ?? 5000;
  const pool = options.pool ?? 5;
  const dir = options.databaseUrl ? undefined : mkdtempSync(join(tmpdir(), 'spoor-send-bench-'));
  const databaseUrl = options.databaseUrl ?? `sqlite:${join(dir!, 'bench.db')}`;
  const storage = openStorage(databaseUrl);
  const sink = options.sink ?? (await startSinkProcess());
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
        dkim: options.dkim,
      },
    };
    const sinkBefore = await sink.stats();
    const send = await createSend(storage.db, { messageId, listIds: [listId] });
    const queuedAt = performance.now();
    const workers = await startWorkers({ storage, config, log: stderrLogger });
    let preparedAt = 0;
    let cpuAtPrepared = process.cpuUsage();
    let sinkAtPrepared = sinkBefore;
    try {
      for (;;) {
        const row = await storage.db
          .selectFrom('sends')
          .select('status')
          .where('id', '=', send.id)
          .executeTakeFirstOrThrow();
        if (!preparedAt && (row.status === 'sending' || row.status === 'done')) {
          preparedAt = performance.now();
          cpuAtPrepared = process.cpuUsage();
          sinkAtPrepared = await sink.stats();
        }
        if (row.status === 'done') break;
        await new Promise((r) => setTimeout(r, 10));
      }
    } finally {
      await workers.stop();
    }
    const doneAt = performance.now();
    const cpu = process.cpuUsage(cpuAtPrepared);
    const sinkAfter = await sink.stats();
    const received = sinkAfter.received - sinkBefore.received;
    if (received !== recipients) throw new Error(`sink received ${received} of ${recipients}`);
    const sentAfterPrepared = sinkAfter.received - sinkAtPrepared.received;
    return {
      recipients,
      pool,
      dkim: options.dkim !== undefined,
      engine: storage.engine,
      prepareMs: Math.round(preparedAt - queuedAt),
      sendMs: Math.round(doneAt - preparedAt),
      messagesPerSecond: Math.round((recipients / (doneAt - preparedAt)) * 1000),
      spoorCpuMicros: Math.round((cpu.user + cpu.system) / Math.max(1, sentAfterPrepared)),
      sinkCpuMicros: Math.round(
        (sinkAfter.cpuMicros - sinkAtPrepared.cpuMicros) / Math.max(1, sentAfterPrepared),
      ),
    };
  } finally {
    await storage.close();
    if (!options.sink) await sink.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const recipients = Number(process.argv[2] ?? 5000);
  const databaseUrl = process.argv[3] || undefined;
  const pool = Number(process.env['BENCH_SEND_POOL'] ?? 5);
  const dkim = process.env['BENCH_SEND_DKIM'] === 'true' ? benchDkimKey() : undefined;
  benchSendThroughput({ recipients, databaseUrl, pool, ...(dkim ? { dkim } : {}) }).then(
    (result) => console.log(JSON.stringify(result, null, 2)),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
