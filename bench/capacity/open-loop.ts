// The open-loop schedule and its latency bookkeeping, kept pure so a table test can pin them (decision 044).
// A fixed offered rate puts request i at `start + i / rate`, whatever happened to the requests before it;
// each request's latency runs from that due time to its answer, so time spent waiting (for the generator's
// timer, for a free socket, in the server's queue) is counted instead of hidden. A closed-loop generator
// such as autocannon sends the next request only when an answer came back, so a server that stalls for
// 200 ms is sent nothing in that time and shows one slow answer instead of the hundreds it held up
// ("coordinated omission").
import { percentile } from '../lib/load.ts';

/** When request `index` of a step is due, in ms on the same clock as `startMs`. */
export function dueAt(startMs: number, ratePerSecond: number, index: number): number {
  return startMs + (index * 1000) / ratePerSecond;
}

/** Requests a step of `seconds` at `ratePerSecond` offers (due strictly before its end). */
export function requestsInStep(ratePerSecond: number, seconds: number): number {
  return Math.ceil(ratePerSecond * seconds);
}

/**
 * Indices due by `nowMs` that have not been sent: from `next` (the first unsent) up to, not including,
 * the returned end. The caller sends them all now, however late its timer woke it.
 */
export function dueUpTo(
  startMs: number,
  ratePerSecond: number,
  total: number,
  next: number,
  nowMs: number,
): number {
  if (nowMs < startMs) return next;
  const end = Math.floor(((nowMs - startMs) * ratePerSecond) / 1000) + 1;
  return Math.max(next, Math.min(total, end));
}

/** What happened to one request: when it was due, when it was written, when (whether) it was answered. */
export interface RequestRecord {
  kind: string;
  dueMs: number;
  sentMs: number;
  /** Undefined: no answer by the cut-off (counted as an error, its latency running to the cut-off). */
  answeredMs?: number;
  /** The status was the one this kind expects (a connection error is not ok). */
  ok: boolean;
}

export interface LatencySummary {
  requests: number;
  errors: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** How late the generator itself wrote requests (sent − due): large values mean the generator lagged. */
  sendLagP99Ms: number;
}

/** Latency of one request from its due time; an unanswered one runs to the cut-off. */
export function latencyFromDue(record: RequestRecord, cutoffMs: number): number {
  return (record.answeredMs ?? cutoffMs) - record.dueMs;
}

/** p50/p99/max from due time and errors (wrong status, failed, unanswered) over `records`. */
export function summarise(records: readonly RequestRecord[], cutoffMs: number): LatencySummary {
  const latencies = new Float64Array(records.length);
  const lags = new Float64Array(records.length);
  let errors = 0;
  records.forEach((record, i) => {
    latencies[i] = latencyFromDue(record, cutoffMs);
    lags[i] = record.sentMs - record.dueMs;
    if (!record.ok || record.answeredMs === undefined) errors += 1;
  });
  latencies.sort();
  lags.sort();
  return {
    requests: records.length,
    errors,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    maxMs: percentile(latencies, 100),
    sendLagP99Ms: percentile(lags, 99),
  };
}

/** Weighted choice of the next request's kind: `weights` in any unit, `roll` uniform in [0, 1). */
export function pickKind<K extends string>(weights: readonly (readonly [K, number])[], roll: number): K {
  const total = weights.reduce((sum, [, w]) => sum + w, 0);
  let left = roll * total;
  for (const [kind, weight] of weights) {
    if (left < weight) return kind;
    left -= weight;
  }
  return weights[weights.length - 1]![0];
}

/** The next step's rate: ×`factor`, rounded to a whole request per second and at least one more. */
export function nextRate(rate: number, factor: number): number {
  return Math.max(rate + 1, Math.round(rate * factor));
}

/** A step passes when its p99 is within the target and at most `maxErrorShare` of its requests failed. */
export function stepPasses(summary: LatencySummary, maxP99Ms: number, maxErrorShare: number): boolean {
  return summary.p99Ms <= maxP99Ms && summary.errors <= summary.requests * maxErrorShare;
}
