// The open-loop load generator of the capacity bench, in its own process (forked by capacity-bench.ts),
// so its CPU is its own and can be read beside the servers'. Each step offers a fixed rate: request i is
// due at start + i / rate, a timer sends every request that is due (however late it woke), undici pools
// of keep-alive sockets carry them, and a request that finds no free socket waits in the pool; its
// latency runs from its due time all the same (open-loop.ts). Messages: 'step' in, 'result' out.
import { Pool } from 'undici';
import { KINDS, type Kind, type MadeRequest, type MixData, type MixTarget, mixMaker } from './mix.ts';
import {
  dueAt,
  dueUpTo,
  type LatencySummary,
  type RequestRecord,
  requestsInStep,
  summarise,
} from './open-loop.ts';

export interface StepOrder {
  type: 'step';
  target: MixTarget;
  data: MixData;
  rate: number;
  seconds: number;
  /** Keep-alive sockets per origin. */
  connections: number;
  /** How long after the last due time unanswered requests are waited for before they count as errors. */
  graceMs: number;
  seed: number;
}

export interface StepResult {
  type: 'result';
  rate: number;
  seconds: number;
  all: LatencySummary;
  byKind: Partial<Record<Kind, LatencySummary>>;
  /** Answers per second over the step. */
  answeredPerSecond: number;
  /** The generator's own CPU (user + system) as a share of one core over the step. */
  generatorCpuShare: number;
  /** First failures, for the reader (connection errors, unexpected statuses). */
  failures: string[];
}

const pools = new Map<string, Pool>();

function poolFor(origin: string, connections: number): Pool {
  let pool = pools.get(origin);
  if (!pool) {
    pool = new Pool(origin, { connections, pipelining: 1, keepAliveTimeout: 60_000 });
    pools.set(origin, pool);
  }
  return pool;
}

async function dropPools(): Promise<void> {
  const all = [...pools.values()];
  pools.clear();
  await Promise.allSettled(all.map((p) => p.destroy()));
}

async function runStep(order: StepOrder): Promise<StepResult> {
  const total = requestsInStep(order.rate, order.seconds);
  const make = mixMaker(order.data, order.target, order.seed);
  const records: RequestRecord[] = new Array(total);
  const failures: string[] = [];
  let answered = 0;
  let settle: () => void = () => {};
  const allAnswered = new Promise<void>((resolve) => {
    settle = resolve;
  });

  const send = (index: number, request: MadeRequest, due: number) => {
    const record: RequestRecord = { kind: request.kind, dueMs: due, sentMs: performance.now(), ok: false };
    records[index] = record;
    const done = (ok: boolean, failure?: string) => {
      record.answeredMs = performance.now();
      record.ok = ok;
      if (failure && failures.length < 5) failures.push(failure);
      answered += 1;
      if (answered === total) settle();
    };
    poolFor(request.origin, order.connections)
      .request({
        method: request.method,
        path: request.path,
        headers: request.headers,
        ...(request.body === undefined ? {} : { body: request.body }),
      })
      .then(async (response) => {
        const text = await response.body.text();
        const ok = request.ok(response.statusCode);
        done(
          ok,
          ok ? undefined : `${request.kind} ${request.path} → ${response.statusCode} ${text.slice(0, 200)}`,
        );
      })
      .catch((error: unknown) => done(false, `${request.kind} ${request.path}: ${(error as Error).message}`));
  };

  const cpuBefore = process.cpuUsage();
  const start = performance.now() + 5;
  let next = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      const end = dueUpTo(start, order.rate, total, next, now);
      for (; next < end; next++) send(next, make(), dueAt(start, order.rate, next));
      if (next >= total) resolve();
      else setTimeout(tick, Math.max(0, dueAt(start, order.rate, next) - performance.now()));
    };
    setTimeout(tick, 5);
  });
  const lastDue = dueAt(start, order.rate, total - 1);
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    allAnswered,
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, Math.max(0, lastDue + order.graceMs - performance.now()));
    }),
  ]);
  clearTimeout(timer);
  const cutoff = performance.now();
  const cpu = process.cpuUsage(cpuBefore);
  const elapsedMs = cutoff - start;
  if (answered < total) {
    failures.push(`${total - answered} requests unanswered ${order.graceMs} ms after the step`);
    // Requests still in flight would land in the next step: close their sockets.
    await dropPools();
  }
  const byKind: Partial<Record<Kind, LatencySummary>> = {};
  for (const kind of KINDS) {
    const of = records.filter((r) => r.kind === kind);
    if (of.length > 0) byKind[kind] = summarise(of, cutoff);
  }
  return {
    type: 'result',
    rate: order.rate,
    seconds: order.seconds,
    all: summarise(records, cutoff),
    byKind,
    answeredPerSecond: (answered * 1000) / elapsedMs,
    generatorCpuShare: (cpu.user + cpu.system) / 1000 / elapsedMs,
    failures,
  };
}

process.on('message', (message: StepOrder | { type: 'stop' }) => {
  if (message.type === 'stop') {
    void dropPools().then(() => process.exit(0));
    return;
  }
  runStep(message).then(
    (result) => process.send?.(result),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
});
