// Drives POST /c with autocannon from this process (the servers run as children) and measures
// throughput and latency with sub-millisecond precision.
import autocannon from 'autocannon';
import { BENCH_ORIGIN, type BodyMaker, CHROME_USER_AGENT } from './collect-bodies.ts';

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
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export async function runLoad(
  url: string,
  connections: number,
  durationSeconds: number,
  bodies: BodyMaker,
): Promise<LoadResult> {
  let latencies = new Float64Array(1 << 16);
  let count = 0;
  let ok = 0;
  let resolveDone: (result: autocannon.Result) => void = () => {};
  let rejectDone: (error: unknown) => void = () => {};
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    resolveDone = resolve;
    rejectDone = reject;
  });
  const instance = autocannon(
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
    (error, result) => (error ? rejectDone(error) : resolveDone(result)),
  );
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    if (count === latencies.length) {
      const grown = new Float64Array(latencies.length * 2);
      grown.set(latencies);
      latencies = grown;
    }
    latencies[count++] = responseTime;
    if (statusCode >= 200 && statusCode < 300) ok += 1;
  });
  const result = await done;
  const sorted = latencies.subarray(0, count).sort();
  return {
    connections,
    durationSeconds: result.duration,
    requestsPerSecond: count / result.duration,
    sent: result.requests.sent,
    responses: count,
    ok,
    errors: count - ok + result.errors,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    maxMs: percentile(sorted, 100),
  };
}
