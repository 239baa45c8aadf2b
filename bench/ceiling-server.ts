// Spoor with its event stores swapped out, for the bench's ceiling runs (bench/ceiling-bench.ts): started
// by the same function as src/main.ts (src/server.ts), so with the same configuration, app, routes,
// validation, consent, token checks, cookies and answers, but collect's events and the email
// endpoints' hits go to one of two stand-ins instead of the database tables:
// - `none`: answered at once, stored nowhere: what HTTP and the routes' own work allow on this machine;
// - `log`: written to a file and answered once an fdatasync covering them has finished, with the next
//   group gathering while one is being synced: the cheapest durable store there is. The file is written
//   once with zeros first and then overwritten from its start again and again, as SQLite reuses its WAL
//   after a checkpoint: an fdatasync that must also journal a growing file's size costs about twice the
//   CPU and three times the wait here (decision 008).
// Neither is a way to run Spoor; they show how much of the bare server's rate any durable store could
// keep here, and so how much of the gap is the tables' (decision 007).
import { closeSync, fdatasync, fdatasyncSync, openSync, writeSync } from 'node:fs';
import type { EngagementHit, HitOutcome } from '../src/email/engagement/engagement-hit.ts';
import type { EngagementWriter } from '../src/email/engagement/engagement-writer.ts';
import { newId } from '../src/lib/ids.ts';
import { runServer } from '../src/server.ts';
import type { IngestOutcome, TrackingEvent } from '../src/tracking/events.ts';
import type { Ingestor } from '../src/tracking/ingest.ts';

export type CeilingMode = 'none' | 'log';

/** The ids a stored event would be answered with: the browser's own, or a new one, and a new visit. */
const eventOutcome = (event: TrackingEvent): IngestOutcome => ({
  visitorId: event.anonymous ? null : (event.cookieVisitorId ?? event.mirrorVisitorId ?? newId()),
  visitId: event.anonymous ? null : newId(),
});

/** A person's hit, recorded: a click hands its browser a visitor id, as the real writer does. */
const hitOutcome = (hit: EngagementHit): HitOutcome => ({
  recorded: true,
  machine: false,
  reason: null,
  visitorId: hit.kind === 'click' ? (hit.visitorCookie ?? newId()) : null,
  unsubscribed: 0,
});

interface Store {
  /** Keeps the line `line()` makes (called only by a store that writes one). */
  keep(line: () => string): Promise<void>;
  close(): Promise<void>;
}

interface Waiting {
  resolve: () => void;
  reject: (error: Error) => void;
}

/** The log's size: it wraps to its start when full (what was there is the stand-in's, never read). */
const LOG_BYTES = 64 * 1024 * 1024;

/** A file of zeros already on disk, so that writes into it change no file size or block map. */
function preallocated(file: string): number {
  const fd = openSync(file, 'w');
  const zeros = Buffer.alloc(1024 * 1024);
  for (let at = 0; at < LOG_BYTES; at += zeros.length) writeSync(fd, zeros, 0, zeros.length, at);
  fdatasyncSync(fd);
  return fd;
}

/** Group commit to a reused file: one write and one fdatasync per group, the next group forming meanwhile. */
function durableLog(file: string): Store {
  const fd = preallocated(file);
  let position = 0;
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
        else w.resolve();
      }
      flush();
    };
    // Written here (a few kB into the page cache, microseconds); only the fdatasync waits for the disk,
    // on libuv's thread pool.
    try {
      if (position + data.length > LOG_BYTES) position = 0;
      writeSync(fd, data, 0, data.length, position);
      position += data.length;
    } catch (error) {
      done(error as Error);
      return;
    }
    fdatasync(fd, done);
  };

  return {
    keep: (line) =>
      new Promise((resolve, reject) => {
        waiting.push({ resolve, reject });
        lines.push(line());
        flush();
      }),
    close: async () => {
      while (busy || waiting.length > 0) await new Promise((r) => setTimeout(r, 5));
      closeSync(fd);
    },
  };
}

/** Collect's stand-in: answered at once (`store` null), or once the event's line is on disk. */
function ingestorOn(store: Store | null): Ingestor {
  if (!store) return { ingest: async (event) => eventOutcome(event), close: async () => {} };
  return {
    ingest: async (event) => {
      const outcome = eventOutcome(event);
      await store.keep(() => `${JSON.stringify(event)}\t${outcome.visitorId}\t${outcome.visitId}`);
      return outcome;
    },
    close: () => store.close(),
  };
}

/** The email endpoints' stand-in, the same way. */
function engagementWriterOn(store: Store | null): EngagementWriter {
  if (!store) return { record: async (hit) => hitOutcome(hit), close: async () => {} };
  return {
    record: async (hit) => {
      const outcome = hitOutcome(hit);
      await store.keep(() => `${JSON.stringify(hit)}\t${outcome.visitorId}`);
      return outcome;
    },
    close: async () => {},
  };
}

async function main(): Promise<void> {
  const mode = process.env['SPOOR_BENCH_CEILING'] as CeilingMode | undefined;
  const logFile = process.env['SPOOR_BENCH_CEILING_LOG'];
  if (mode !== 'none' && mode !== 'log') throw new Error('SPOOR_BENCH_CEILING must be "none" or "log".');
  if (mode === 'log' && !logFile) throw new Error('SPOOR_BENCH_CEILING_LOG must name the log file.');
  const store = mode === 'none' ? null : durableLog(logFile as string);
  await runServer({ ingestor: ingestorOn(store), engagementWriter: engagementWriterOn(store) });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
