// Drives POST /c with autocannon from this process (the servers run as children) and measures
// throughput and latency with sub-millisecond precision.
import autocannon from 'autocannon';
import { BENCH_ORIGIN, type BodyMaker, CHROME_USER_AGENT } from '../load/collect-bodies.ts';

export interface LoadResult {
  connections: number;
  durationSeconds: number;
  /** Responses per second (any status). */
  requestsPerSecond: number;
  /** Requests written to the wire; the last `connections` of them may be unanswered when the run stops. */
  sent: number;
  responses: number;
  ok: number;
  /** Non-2xx responses plus connection errors and timeouts. */
  errors: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Every response's time in ms, sorted (so slices of one measurement can be merged). */
  latencies: Float64Array;
}

export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

/**
 * Drives `options` with autocannon and measures every response's own time; `isOk` says which statuses
 * count as served (2xx for collect, the GIF's 200 or the redirect's 302 for email links).
 */
export async function runAutocannon(
  options: autocannon.Options,
  isOk: (statusCode: number) => boolean,
): Promise<LoadResult> {
  let latencies = new Float64Array(1 << 16);
  let count = 0;
  let ok = 0;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(options, (error, done) => (error ? reject(error) : resolve(done)));
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (count === latencies.length) {
        const grown = new Float64Array(latencies.length * 2);
        grown.set(latencies);
        latencies = grown;
      }
      latencies[count++] = responseTime;
      if (isOk(statusCode)) ok += 1;
    });
  });
  const sorted = latencies.subarray(0, count).sort();
  return {
    connections: options.connections ?? 1,
    durationSeconds: result.duration,
    requestsPerSecond: count / result.duration,
    sent: result.requests.sent,
    responses: count,
    ok,
    errors: count - ok + result.errors,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    maxMs: percentile(sorted, 100),
    latencies: sorted,
  };
}

/** One result from slices of the same measurement: counts and durations add up, percentiles over all responses. */
export function mergeLoads(slices: readonly LoadResult[]): LoadResult {
  const first = slices[0];
  if (!first) throw new Error('mergeLoads needs at least one slice.');
  const total = (pick: (r: LoadResult) => number) => slices.reduce((sum, r) => sum + pick(r), 0);
  const latencies = new Float64Array(total((r) => r.latencies.length));
  let at = 0;
  for (const r of slices) {
    latencies.set(r.latencies, at);
    at += r.latencies.length;
  }
  latencies.sort();
  const durationSeconds = total((r) => r.durationSeconds);
  const responses = total((r) => r.responses);
  return {
    connections: first.connections,
    durationSeconds,
    requestsPerSecond: responses / durationSeconds,
    sent: total((r) => r.sent),
    responses,
    ok: total((r) => r.ok),
    errors: total((r) => r.errors),
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    maxMs: percentile(latencies, 100),
    latencies,
  };
}

/**
 * One result from runs of the same moment against different servers (a load split between nodes):
 * responses add up over the runs' common time, percentiles over all responses.
 */
export function combineConcurrent(runs: readonly LoadResult[]): LoadResult {
  if (runs.length === 0) throw new Error('combineConcurrent needs at least one run.');
  const merged = mergeLoads(runs);
  const durationSeconds = Math.max(...runs.map((r) => r.durationSeconds));
  return {
    ...merged,
    connections: runs.reduce((sum, r) => sum + r.connections, 0),
    durationSeconds,
    requestsPerSecond: merged.responses / durationSeconds,
  };
}

export async function runLoad(
  url: string,
  connections: number,
  durationSeconds: number,
  bodies: BodyMaker,
): Promise<LoadResult> {
  return runAutocannon(
    {
      url: `${url}/c`,
      connections,
      duration: durationSeconds,
      method: 'POST',
      headers: {
        'content-type': 'text/plain;charset=UTF-8',
        origin: BENCH_ORIGIN,
        referer: `${BENCH_ORIGIN}/`,
        'user-agent': CHROME_USER_AGENT,
        'accept-language': 'en-GB,en;q=0.9',
      },
      requests: [{ setupRequest: (request) => ({ ...request, body: bodies.next() }) }],
    },
    (status) => status >= 200 && status < 300,
  );
}
