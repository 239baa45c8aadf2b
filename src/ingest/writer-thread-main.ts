// Inside the SQLite writer thread: its own connection to the database file, and the one writer of the
// hot paths. Two kinds of jobs: tracking batches (tracking/sqlite-store.ts) and email engagement batches
// (email/engagement/sqlite-store.ts), both as statements prepared once on this connection. Jobs that arrived
// while a transaction was being written are merged with the waiting jobs of their kind into the next
// one (up to maxBatch events or hits), so every commit carries as much as it can. Strictly serial: each
// transaction is committed, and its jobs answered, before the next one begins.
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import type { EngagementHit } from '../email/engagement/engagement-hit.ts';
import { sqliteHitWriter } from '../email/engagement/sqlite-store.ts';
import { openSqliteConnection } from '../storage/database.ts';
import { unavailableReason } from '../storage/unavailable.ts';
import type { TrackingEvent } from '../tracking/events.ts';
import { sqliteBatchWriter } from '../tracking/sqlite-store.ts';

export interface WriterData {
  file: string;
  maxBatch: number;
  /** The size cap of the file (storage/database.ts), 0 for none. */
  maxSizeMb: number;
}
export type WriterJob =
  | { kind: 'events'; events: TrackingEvent[] }
  | { kind: 'hits'; hits: EngagementHit[]; trackingDefault: boolean };
export type WriterRequest = (WriterJob & { id: number }) | { close: true };
export type WriterReply =
  | {
      id: number;
      ok: true;
      outcomes: unknown[];
      /** On the first reply of each transaction: its size and duration (for /metrics). */
      committed?: { stream: 'tracking' | 'engagement'; size: number; seconds: number };
    }
  | { id: number; ok: false; message: string; code: string | undefined };

type Job = WriterJob & { id: number };

const sizeOf = (job: Job) => (job.kind === 'events' ? job.events.length : job.hits.length);
const mergeable = (a: Job, b: Job) =>
  a.kind === 'events' ? b.kind === 'events' : b.kind === 'hits' && a.trackingDefault === b.trackingDefault;

if (parentPort) {
  const port = parentPort;
  const { file, maxBatch, maxSizeMb } = workerData as WriterData;
  const sqlite = openSqliteConnection(file, maxSizeMb);
  const commitEvents = sqliteBatchWriter(sqlite);
  const commitHits = sqliteHitWriter(sqlite);
  const waiting: Job[] = [];
  let closing = false;

  const take = (request: WriterRequest) => {
    if ('close' in request) closing = true;
    else waiting.push(request);
  };

  const reply = (
    job: Job,
    result: unknown[] | unknown,
    ok: boolean,
    committed?: Extract<WriterReply, { ok: true }>['committed'],
  ) => {
    if (ok) {
      port.postMessage({
        id: job.id,
        ok,
        outcomes: result as unknown[],
        ...(committed ? { committed } : {}),
      } satisfies WriterReply);
      return;
    }
    const { message, code } = (result ?? {}) as { message?: string; code?: string };
    port.postMessage({ id: job.id, ok, message: message ?? String(result), code } satisfies WriterReply);
  };

  /** One transaction for jobs of one kind. */
  const commit = (jobs: Job[]): unknown[] => {
    const first = jobs[0] as Job;
    if (first.kind === 'events')
      return commitEvents(jobs.flatMap((job) => (job.kind === 'events' ? job.events : [])));
    return commitHits(
      jobs.flatMap((job) => (job.kind === 'hits' ? job.hits : [])),
      first.trackingDefault,
    );
  };

  /**
   * One transaction for the merged jobs; if it fails, each job alone, so only a faulty one fails. A full
   * disk or an I/O error is no job's fault: then every job fails at once (retrying each alone would
   * only repeat the failure, job after job, while the disk is full).
   */
  const write = (jobs: Job[]) => {
    try {
      const started = performance.now();
      const outcomes = commit(jobs);
      const committed = {
        stream: jobs[0]?.kind === 'events' ? ('tracking' as const) : ('engagement' as const),
        size: outcomes.length,
        seconds: (performance.now() - started) / 1000,
      };
      let at = 0;
      for (const [i, job] of jobs.entries()) {
        const size = sizeOf(job);
        reply(job, outcomes.slice(at, at + size), true, i === 0 ? committed : undefined);
        at += size;
      }
    } catch (error) {
      if (jobs.length === 1 || unavailableReason(error)) for (const job of jobs) reply(job, error, false);
      else for (const job of jobs) write([job]);
    }
  };

  /** The oldest waiting job, with the later ones of its kind that fit beside it. */
  const nextGroup = (): Job[] => {
    const first = waiting.shift() as Job;
    const group = [first];
    let size = sizeOf(first);
    for (let i = 0; i < waiting.length && size < maxBatch; ) {
      const job = waiting[i] as Job;
      if (mergeable(first, job) && size + sizeOf(job) <= maxBatch) {
        group.push(job);
        size += sizeOf(job);
        waiting.splice(i, 1);
      } else i += 1;
    }
    return group;
  };

  // Synchronous from here: messages that arrive meanwhile are read with receiveMessageOnPort.
  const run = () => {
    for (;;) {
      for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) take(m.message);
      if (waiting.length === 0) break;
      write(nextGroup());
    }
    if (closing) {
      sqlite.close();
      port.close();
    }
  };

  port.on('message', (request: WriterRequest) => {
    take(request);
    run();
  });
}
