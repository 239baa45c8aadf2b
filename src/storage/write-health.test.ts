import { describe, expect, it } from 'vitest';
import { WriteHealth } from './write-health.ts';

describe('WriteHealth', () => {
  it('counts failures since the last success within the window; a success clears them', () => {
    const health = new WriteHealth(10_000);
    const t = 1_000_000;
    health.failed('database or disk is full', t);
    health.failed('database or disk is full', t + 500);
    health.failed('database or disk is full', t + 2_000);
    expect(health.failures(t + 2_000)).toEqual({
      count: 3,
      reason: 'database or disk is full',
      windowMs: 10_000,
    });
    // Older than the window: forgotten.
    expect(health.failures(t + 11_500).count).toBe(1);
    expect(health.failures(t + 13_000)).toEqual({ count: 0, reason: null, windowMs: 10_000 });
    health.failed('disk I/O error', t + 14_000);
    expect(health.failures(t + 14_000).count).toBe(1);
    health.succeeded();
    expect(health.failures(t + 14_000)).toEqual({ count: 0, reason: null, windowMs: 10_000 });
  });
});
