import { describe, expect, it } from 'vitest';
import {
  dueAt,
  dueUpTo,
  latencyFromDue,
  nextRate,
  pickKind,
  type RequestRecord,
  requestsInStep,
  stepPasses,
  summarise,
} from './open-loop.ts';

describe('open-loop schedule', () => {
  it('puts request i at start + i / rate', () => {
    expect([0, 1, 2, 10].map((i) => dueAt(1000, 100, i))).toEqual([1000, 1010, 1020, 1100]);
    expect(dueAt(0, 3, 1)).toBeCloseTo(333.333, 3);
    expect(requestsInStep(100, 2)).toBe(200);
    expect(requestsInStep(125, 0.5)).toBe(63);
  });

  it.each([
    // start, rate, total, next unsent, now → end of the due range (exclusive)
    { now: 999, next: 0, end: 0, why: 'before the start nothing is due' },
    { now: 1000, next: 0, end: 1, why: 'request 0 is due at the start' },
    { now: 1009.9, next: 1, end: 1, why: 'request 1 is not due until 1010' },
    { now: 1010, next: 1, end: 2, why: 'due exactly on time' },
    { now: 1055, next: 1, end: 6, why: 'a timer that woke 45 ms late sends the five it owes at once' },
    { now: 1055, next: 6, end: 6, why: 'already sent: nothing more' },
    { now: 5000, next: 6, end: 100, why: 'never past the step' },
  ])('$why', ({ now, next, end }) => {
    expect(dueUpTo(1000, 100, 100, next, now)).toBe(end);
  });
});

describe('latency from the due time', () => {
  const cutoff = 2000;
  // due, sent, answered → latency: the wait for the timer or a socket counts, as does the server's.
  const table: [RequestRecord, number][] = [
    [{ kind: 'pv', dueMs: 1000, sentMs: 1000, answeredMs: 1002, ok: true }, 2],
    [{ kind: 'pv', dueMs: 1000, sentMs: 1030, answeredMs: 1032, ok: true }, 32],
    [{ kind: 'open', dueMs: 1010, sentMs: 1010, answeredMs: 1110, ok: true }, 100],
    [{ kind: 'click', dueMs: 1020, sentMs: 1020, answeredMs: 1025, ok: false }, 5],
    [{ kind: 'form', dueMs: 1500, sentMs: 1500, ok: false }, 500],
  ];

  it.each(table)('%o → %d ms', (record, latency) => {
    expect(latencyFromDue(record, cutoff)).toBe(latency);
  });

  it('summarises percentiles, errors (wrong status, unanswered) and the generator lag', () => {
    const summary = summarise(
      table.map(([r]) => r),
      cutoff,
    );
    expect(summary).toEqual({
      requests: 5,
      errors: 2,
      p50Ms: 32,
      p99Ms: 500,
      maxMs: 500,
      sendLagP99Ms: 30,
    });
  });

  it('does not hide a stall: a closed loop would have counted one slow answer, the open loop counts all it held up', () => {
    // 100 req/s; the server stalls from 1000 to 1200 ms, then answers everything queued at once.
    const records: RequestRecord[] = [];
    for (let i = 0; i < 100; i++) {
      const due = dueAt(1000, 100, i);
      records.push({ kind: 'pv', dueMs: due, sentMs: due, answeredMs: Math.max(due, 1200) + 1, ok: true });
    }
    const summary = summarise(records, 3000);
    // 20 requests were due during the stall (1000…1190 ms), answered at 1201: 201, 191, …, 11 ms.
    expect(summary.p50Ms).toBe(1);
    expect(summary.p99Ms).toBe(191);
    expect(summary.maxMs).toBe(201);
  });
});

describe('steps', () => {
  it('steps up by the factor, at least one request per second more', () => {
    expect(nextRate(100, 1.25)).toBe(125);
    expect(nextRate(125, 1.25)).toBe(156);
    expect(nextRate(2, 1.25)).toBe(3);
  });

  it('passes at p99 within the target and errors within their share', () => {
    const base = { requests: 1000, errors: 0, p50Ms: 1, p99Ms: 25, maxMs: 40, sendLagP99Ms: 0 };
    expect(stepPasses(base, 25, 0.001)).toBe(true);
    expect(stepPasses({ ...base, p99Ms: 25.1 }, 25, 0.001)).toBe(false);
    expect(stepPasses({ ...base, errors: 1 }, 25, 0.001)).toBe(true);
    expect(stepPasses({ ...base, errors: 2 }, 25, 0.001)).toBe(false);
  });

  it('picks kinds by weight', () => {
    const weights = [
      ['pv', 3],
      ['en', 1],
    ] as const;
    expect(pickKind(weights, 0)).toBe('pv');
    expect(pickKind(weights, 0.74)).toBe('pv');
    expect(pickKind(weights, 0.75)).toBe('en');
    expect(pickKind(weights, 0.999)).toBe('en');
  });
});
