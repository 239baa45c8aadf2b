// The sending part of npm run bench for one engine: what bounds it on this machine (the sink's own
// ceiling and bare nodemailer's, before and after Spoor's runs), then Spoor's send worker at each SMTP
// connection count, DKIM off, and once with DKIM on at the largest count. The sink is its own process.
// Run alone: npx tsx bench/email/sending-bench.ts [sqlite|postgres] (BENCH_SEND_* as in settings.ts).
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import MailComposer from 'nodemailer/lib/mail-composer';
import { trackingUrlsFor } from '../../src/email/engagement/tracking-urls.ts';
import { prepareMessage } from '../../src/email/messages/render-email.ts';
import { composeEmail } from '../../src/email/sends/compose-email.ts';
import { TokenSigner } from '../../src/lib/tokens.ts';
import { loadBenchSettings } from '../lib/settings.ts';
import { bareNodemailerCeiling, type CeilingResult, rawSinkCeiling } from './send-ceilings.ts';
import {
  benchDkimKey,
  benchSendThroughput,
  HTML,
  type SendThroughputResult,
  type SmtpSinkProcess,
  startSinkProcess,
} from './send-throughput.ts';
import { temporaryDatabase } from './temporary-database.ts';

export interface SendingCeilings {
  /** The minimal pipelining client: what the sink itself takes. */
  sink: CeilingResult;
  /** nodemailer's pool sending a pre-rendered email: no database, rendering or sealing. */
  nodemailer: CeilingResult;
  nodemailerDkim: CeilingResult;
}

export interface SendingBenchResult {
  runs: SendThroughputResult[];
  /** Measured before and after Spoor's runs. */
  ceilings: SendingCeilings[];
  /** 1-minute load average at the start and the end. */
  load: [number, number];
}

export interface SendingBenchSettings {
  recipients: number;
  connections: number[];
  dkim: boolean;
}

/** One recipient's email as Spoor renders it (a sample for the ceilings). */
async function sampleEmail() {
  const prepared = prepareMessage({
    subject: 'Spring news for {{ contact.first_name }}',
    html: HTML,
    text: null,
  });
  const signer = new TokenSigner([{ version: 1, secret: randomBytes(32) }]);
  const urls = trackingUrlsFor(
    'https://track.bench.example',
    signer,
    'BenchSendId000000000',
    'BenchContact00000000',
  );
  const rendered = prepared.render(
    { first_name: 'Reader1', last_name: 'Bench', company: 'Example Ltd' },
    urls,
  );
  const mail = composeEmail({
    to: 'reader1@bench.example',
    from: 'News <news@bench.example>',
    replyTo: null,
    rendered,
    urls,
    messageId: '<sample@track.bench.example>',
    sendHeader: 'BenchSendId000000000.BenchContact00000000.AAAAAAAAAAAAAAAAAAAAAAAA',
    bulk: {
      sendId: 'BenchSendId000000000',
      messageId: 'BenchMessage',
      listId: 'BenchList',
      host: 'track.bench.example',
    },
  });
  const raw = (await new MailComposer(mail).compile().build()).toString('latin1');
  // Dot-stuffed and ended as the DATA command wants it.
  const body = Buffer.from(`${raw.replace(/\r\n\./g, '\r\n..').replace(/\r?\n?$/, '\r\n')}.\r\n`, 'latin1');
  return { mail, body };
}

async function ceilings(sink: SmtpSinkProcess, connections: number): Promise<SendingCeilings> {
  const { mail, body } = await sampleEmail();
  const sinkCeiling = await rawSinkCeiling(sink, body, 5000, connections);
  const nodemailer = await bareNodemailerCeiling(sink, mail, 3000, connections);
  const nodemailerDkim = await bareNodemailerCeiling(sink, mail, 1000, connections, benchDkimKey());
  return { sink: sinkCeiling, nodemailer, nodemailerDkim };
}

const fmt = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 0 });

function describeCeilings(c: SendingCeilings): string {
  return `sink ${fmt(c.sink.messagesPerSecond)}/s (${fmt(c.sink.sinkCpuMicros)} µs CPU per message in the sink), bare nodemailer ${fmt(c.nodemailer.messagesPerSecond)}/s (${fmt(c.nodemailer.senderCpuMicros)} µs), with DKIM ${fmt(c.nodemailerDkim.messagesPerSecond)}/s (${fmt(c.nodemailerDkim.senderCpuMicros)} µs)`;
}

/**
 * `database` makes a fresh database per run (the send's contacts are seeded into it) and drops it.
 */
export async function benchSending(
  settings: SendingBenchSettings,
  database: () => Promise<{ url: string; dispose: () => Promise<void> }>,
): Promise<SendingBenchResult> {
  const sink = await startSinkProcess();
  const loadAtStart = loadavg()[0]!;
  try {
    const top = Math.max(...settings.connections);
    const result: SendingBenchResult = { runs: [], ceilings: [], load: [loadAtStart, 0] };
    result.ceilings.push(await ceilings(sink, top));
    console.log(`  ceilings at ${top} connections: ${describeCeilings(result.ceilings[0]!)}`);
    const plan = settings.connections.map((pool) => ({ pool, dkim: false }));
    if (settings.dkim) plan.push({ pool: top, dkim: true });
    for (const { pool, dkim } of plan) {
      const db = await database();
      try {
        const run = await benchSendThroughput({
          recipients: settings.recipients,
          databaseUrl: db.url,
          pool,
          sink,
          ...(dkim ? { dkim: benchDkimKey() } : {}),
        });
        console.log(
          `  send: ${fmt(run.messagesPerSecond)} messages/s, ${pool} connections, DKIM ${dkim ? 'on' : 'off'}; CPU per message: Spoor ${fmt(run.spoorCpuMicros)} µs, sink ${fmt(run.sinkCpuMicros)} µs; preparing ${fmt(run.prepareMs)} ms`,
        );
        result.runs.push(run);
      } finally {
        await db.dispose();
      }
    }
    result.ceilings.push(await ceilings(sink, top));
    console.log(`  ceilings again: ${describeCeilings(result.ceilings[1]!)}`);
    result.load[1] = loadavg()[0]!;
    return result;
  } finally {
    await sink.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const engine = process.argv[2] === 'postgres' ? 'postgres' : 'sqlite';
  const settings = loadBenchSettings();
  benchSending(
    { recipients: settings.sendRecipients, connections: settings.sendConnections, dkim: settings.sendDkim },
    () => temporaryDatabase(engine, settings.postgresUrl),
  ).then(
    (result) => console.log(JSON.stringify(result, null, 2)),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
