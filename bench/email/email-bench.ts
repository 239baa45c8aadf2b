// Part 3 of npm run bench: the email endpoints and sending. For one engine: store a delivered send,
// start Spoor on that database, drive the open pixel and the click redirect with genuine signed URLs
// against the bare server answering the same GIF / 302 (alternating at each connection count), check
// that every answered request is an event in the database, then measure sending throughput.
import { pairedLoad, sliceSeconds } from '../lib/paired.ts';
import { type Child, freePort, startChild } from '../lib/processes.ts';
import { startSpoor } from '../lib/spoor-child.ts';
import { countEmailEvents, type GetLoadResult, runGetLoad, seedEmailSend } from './email-load.ts';
import { benchSending, type SendingBenchResult } from './sending-bench.ts';
import { temporaryDatabase } from './temporary-database.ts';

export interface EmailLoadRow {
  connections: number;
  bare: GetLoadResult;
  spoor: GetLoadResult;
  /** Events of this kind stored during the Spoor run. */
  stored: number;
  /** Spoor/bare of each pair of slices (bench/paired.ts). */
  sliceRatios: number[];
}

export interface EmailBenchResult {
  engine: 'sqlite' | 'postgres';
  recipients: number;
  pixel: EmailLoadRow[];
  click: EmailLoadRow[];
  /** Spoor's HTTP path with lighter stores, on the same send (empty when not run). */
  send: SendingBenchResult;
}

export interface EmailBenchSettings {
  durationSeconds: number;
  /** Alternating bare/Spoor slices per load run (bench/paired.ts). */
  slices: number;
  connections: number[];
  postgresUrl: string;
  /** Contacts on the stored send (pixel and click URLs are drawn from them at random). */
  recipients: number;
  /** Recipients of each sending-throughput run. */
  sendRecipients: number;
  /** SMTP connection counts of the sending runs. */
  sendConnections: number[];
  /** Also send with DKIM on (at the largest connection count). */
  sendDkim: boolean;
}

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

function describe(label: string, r: GetLoadResult): string {
  return `${label.padEnd(6)} ${fmt(r.requestsPerSecond).padStart(7)} req/s  p50 ${fmt(r.p50Ms, 2)} ms  p99 ${fmt(r.p99Ms, 2)} ms  errors ${r.errors}`;
}

export async function startBareEmailServer(): Promise<Child> {
  const port = await freePort();
  return startChild({
    name: 'bare node:http GIF/302 server',
    nodeArgs: ['--import', 'tsx', 'bench/email/bare-email-server.ts', String(port)],
    env: {},
    port,
    readyPath: '/healthz',
  });
}

export async function benchEmail(
  engine: 'sqlite' | 'postgres',
  bare: Child,
  settings: EmailBenchSettings,
  seed: number,
): Promise<EmailBenchResult> {
  const database = await temporaryDatabase(engine, settings.postgresUrl);
  try {
    console.log(`  storing a delivered send to ${fmt(settings.recipients)} contacts`);
    const data = await seedEmailSend(database.url, settings.recipients);
    const spoor = await startSpoor({ name: `Spoor (${engine})`, databaseUrl: database.url });
    const pixel: EmailLoadRow[] = [];
    const click: EmailLoadRow[] = [];
    try {
      const warm = Math.min(3, settings.durationSeconds);
      await runGetLoad(bare.url, data.pixelPaths, 200, 16, warm, seed);
      await runGetLoad(spoor.url, data.pixelPaths, 200, 16, warm, seed);
      await runGetLoad(spoor.url, data.clickPaths, 302, 16, warm, seed);
      for (const [kind, paths, status, rows] of [
        ['pixel', data.pixelPaths, 200, pixel],
        ['click', data.clickPaths, 302, click],
      ] as const) {
        for (const connections of settings.connections) {
          const before = await countEmailEvents(database.url, data.sendId);
          const seconds = sliceSeconds(settings.durationSeconds, settings.slices);
          const {
            bare: bareResult,
            spoor: spoorResult,
            sliceRatios,
          } = await pairedLoad(settings.slices, (server, slice) =>
            runGetLoad(
              server === 'bare' ? bare.url : spoor.url,
              paths,
              status,
              connections,
              seconds,
              seed + connections * 100 + slice,
            ),
          );
          console.log(`  ${kind} ${String(connections).padStart(3)} conn  ${describe('bare', bareResult)}`);
          // The last commits land just after the load stops; wait until the count settles.
          let stored = -1;
          for (let i = 0; i < 50; i++) {
            const after = await countEmailEvents(database.url, data.sendId);
            const now = kind === 'pixel' ? after.opens - before.opens : after.clicks - before.clicks;
            if (now === stored) break;
            stored = now;
            await new Promise((resolve) => setTimeout(resolve, 200));
          }
          const inFlight = spoorResult.sent - spoorResult.responses;
          const verdict =
            stored < spoorResult.ok
              ? `${spoorResult.ok - stored} ANSWERED BUT NOT STORED (or over the limit of 30 recorded hits per recipient per minute: with BENCH_EMAIL_RECIPIENTS this low, raise it)`
              : stored <= spoorResult.ok + inFlight
                ? 'every answered request stored'
                : `${stored - spoorResult.ok - inFlight} MORE STORED THAN SENT`;
          console.log(`  ${kind} ${String(connections).padStart(3)} conn  ${describe('spoor', spoorResult)}`);
          console.log(
            `           ratio ${fmt(spoorResult.requestsPerSecond / bareResult.requestsPerSecond, 2)} (slices ${sliceRatios.map((r) => fmt(r, 2)).join(', ')})  ·  answered ${spoorResult.ok}, stored ${stored}: ${verdict}`,
          );
          rows.push({ connections, bare: bareResult, spoor: spoorResult, stored, sliceRatios });
        }
      }
    } catch (error) {
      console.error(`Spoor's last output:\n${spoor.output()}`);
      throw error;
    } finally {
      await spoor.stop();
    }
    console.log(
      `  sending ${fmt(settings.sendRecipients)} messages to a loopback SMTP sink (its own process)`,
    );
    const send = await benchSending(
      { recipients: settings.sendRecipients, connections: settings.sendConnections, dkim: settings.sendDkim },
      () => temporaryDatabase(engine, settings.postgresUrl),
    );
    return { engine, recipients: settings.recipients, pixel, click, send };
  } finally {
    await database.dispose();
  }
}
