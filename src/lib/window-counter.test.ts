import { describe, expect, it } from 'vitest';
import { WindowCounter } from './window-counter.ts';

describe('WindowCounter', () => {
  it.each([
    { max: 1, requests: 1, allowed: [true] },
    { max: 2, requests: 4, allowed: [true, true, false, false] },
    { max: 3, requests: 3, allowed: [true, true, true] },
  ])('allows $max per window ($requests requests)', ({ max, requests, allowed }) => {
    const counter = new WindowCounter(max, 60_000);
    const t0 = 1_000_000;
    expect(Array.from({ length: requests }, () => counter.allow('client', t0))).toEqual(allowed);
  });

  it('counts clients apart and starts again when the window turns', () => {
    const counter = new WindowCounter(1, 60_000);
    const t0 = 1_000_000;
    expect(counter.allow('a', t0)).toBe(true);
    expect(counter.allow('b', t0)).toBe(true);
    expect(counter.allow('a', t0 + 59_999)).toBe(false);
    expect(counter.allow('a', t0 + 60_000)).toBe(true);
  });

  it.each([
    { elapsedMs: 0, seconds: 60 },
    { elapsedMs: 30_500, seconds: 30 },
    { elapsedMs: 59_999, seconds: 1 },
  ])('tells a client over the limit to wait $seconds s after $elapsedMs ms', ({ elapsedMs, seconds }) => {
    const counter = new WindowCounter(1, 60_000);
    const t0 = 1_000_000;
    counter.allow('a', t0);
    expect(counter.secondsLeft(t0 + elapsedMs)).toBe(seconds);
  });
});
