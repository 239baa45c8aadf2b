import { describe, expect, it } from 'vitest';
import { storedOnce, storedVerdict } from './stored-verdict.ts';

describe('every answered request stored once', () => {
  it.each([
    [100, 100, 0, true, 'every 2xx stored'],
    [100, 104, 64, true, 'every 2xx stored, plus 4 of the 64 still in flight when a slice stopped'],
    [100, 164, 64, true, 'every 2xx stored, plus 64 of the 64 still in flight when a slice stopped'],
    [100, 99, 64, false, '1 ANSWERED 2xx BUT NOT STORED'],
    [100, 165, 64, false, '1 MORE STORED THAN SENT'],
  ])('%i answered, %i stored, %i in flight', (ok, stored, inFlight, once, verdict) => {
    expect(storedOnce({ ok, stored, inFlight })).toBe(once);
    expect(storedVerdict({ ok, stored, inFlight })).toBe(verdict);
  });
});
