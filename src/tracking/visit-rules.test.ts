import { describe, expect, it } from 'vitest';
import { decideVisit } from './visit-rules.ts';

const MIN = 60_000;
const t0 = Date.UTC(2026, 10, 1, 12, 0, 0);

describe('decideVisit', () => {
  it.each([
    { name: 'no earlier visit starts one', latest: undefined, now: t0, timeout: 30, expected: 'start' },
    {
      name: 'activity a minute later continues',
      latest: { id: 'v1', lastSeenAt: t0 },
      now: t0 + MIN,
      timeout: 30,
      expected: 'continue',
    },
    {
      name: 'exactly at the timeout still continues',
      latest: { id: 'v1', lastSeenAt: t0 },
      now: t0 + 30 * MIN,
      timeout: 30,
      expected: 'continue',
    },
    {
      name: 'one ms past the timeout starts anew',
      latest: { id: 'v1', lastSeenAt: t0 },
      now: t0 + 30 * MIN + 1,
      timeout: 30,
      expected: 'start',
    },
    {
      name: 'a short website timeout is honoured',
      latest: { id: 'v1', lastSeenAt: t0 },
      now: t0 + 2 * MIN,
      timeout: 1,
      expected: 'start',
    },
    {
      name: 'a long website timeout is honoured',
      latest: { id: 'v1', lastSeenAt: t0 },
      now: t0 + 90 * MIN,
      timeout: 120,
      expected: 'continue',
    },
    {
      name: 'a clock that went backwards continues',
      latest: { id: 'v1', lastSeenAt: t0 },
      now: t0 - 5_000,
      timeout: 30,
      expected: 'continue',
    },
  ])('$name', ({ latest, now, timeout, expected }) => {
    const decision = decideVisit(latest, now, timeout);
    expect(decision.kind).toBe(expected);
    if (decision.kind === 'continue') expect(decision.visitId).toBe('v1');
  });
});
