// Spoor with its event store swapped out, for the bench's ceiling runs (bench/ceiling-bench.ts): the
// same configuration, app, routes, validation, consent, cookies and answers as src/main.ts, but collect's
// events go to one of two stand-ins instead of the SQLite tables:
// - `none`: answered at once, stored nowhere: what HTTP and collect's own work allow on this machine;
// - `log`: appended to a file and answered once an fdatasync covering them has finished, with the next
//   group written while one is being synced: the cheapest durable store there is.
// Neither is a way to run Spoor; they show how much of the bare server's rate any durable store could
// keep here, and so how much of the gap is the tables' (decision 007).
import { closeSync, fdatasync, openSync, writeSync } from 'node:fs';
import { buildApp } from '../src/app.ts';
import { bootstrap } from '../src/bootstrap.ts';
import { loadConfig } from '../src/config.ts';
import { newId } from '../src/lib/ids.ts';
import { openStorage } from '../src/storage/database.ts';
import { migrateToLatest } from '../src/storage/migrate.ts';
import type { IngestOutcome, TrackingEvent } from '../src/tracking/events.ts';
import type { Ingestor } from '../src/tracking/ingest.ts';

export type CeilingMode = 'none' | 'log';

/** The ids a stored event would be answered with: the browser's own, or a new one, and a new visit. */
const outcomeOf = (event: TrackingEvent): IngestOutcome => ({
  visitorId: event.anonymous ? null : (event.cookieVisitorId ?? event.mirrorVisitorId ?? newId()),
  visitId: event.anonymous ? null : newId(),
});

function answerAtOnce(): Ingestor {
  return { ingest: async (event) => outcomeOf(event), close: async () => {} };
}

interface Waiting {
  outcome: IngestOutcome;
  resolve: (outcome: IngestOutcome) => void;
  reject: (error: Error) => void;
}

/** Group commit to an append-only file, one write and one fdatasync per group, pipelined. */
function durableLog(file: string): Ingestor {
  const fd = openSync(file, 'a');
  let waiting: Waiting[] = [];
  let lines: string[] = [];
  let busy = false;

  const flush = () => {
    if (busy || waiting.length === 0) return;
    busy = true;
    const group = waiting;
    const data = Buffer.from(`${lines.join('\n')}\n`);
    waiting = [];
    lines = [];
    const done = (error: Error | null) => {
      busy = false;
      for (const w of group) {
        if (error) w.reject(error);
        else w.resolve(w.outcome);
      }
      flush();
    };
    // Written here (a few kB into the page cache, microseconds); only the fdatasync waits for the disk,
    // on libuv's thread pool.
    try {
      writeSync(fd, data);
    } catch (error) {
      done(error as Error);
      return;
    }
    fdatasync(fd, done);
  };

  return {
    ingest: (event) =>
      new Promise((resolve, reject) => {
        const outcome = outcomeOf(event);
        waiting.push({ outcome, resolve, reject });
        lines.push(`${JSON.stringify(event)}\t${outcome.visitorId}\t${outcome.visitId}`);
        flush();
      }),
    close: async () => {
      while (busy || waiting.length > 0) await new Promise((r) => setTimeout(r, 5));
      closeSync(fd);
    },
  };
}

async function main(): Promise<void> {
  const mode = process.env['SPOOR_BENCH_CEILING'] as CeilingMode | undefined;
  const logFile = process.env['SPOOR_BENCH_CEILING_LOG'];
  if (mode !== 'none' && mode !== 'log') throw new Error('SPOOR_BENCH_CEILING must be "none" or "log".');
  if (mode === 'log' && !logFile) throw new Error('SPOOR_BENCH_CEILING_LOG must name the log file.');
  const config = loadConfig();
  const storage = openStorage(config.databaseUrl);
  await migrateToLatest(storage.db);
  await bootstrap(storage.db, config);
  const ingestor = mode === 'none' ? answerAtOnce() : durableLog(logFile as string);
  const { app } = await buildApp({ config, storage, logger: { level: config.logLevel }, ingestor });
  process.once('SIGTERM', () => {
    void app
      .close()
      .then(() => storage.close())
      .then(() => process.exit(0));
  });
  await app.listen({ host: config.host, port: config.port });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
