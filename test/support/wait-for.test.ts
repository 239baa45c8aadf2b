import { describe, expect, it } from 'vitest';
import { nextMillisecond, waitFor } from './wait-for.ts';

describe('waitFor', () => {
  it('returns the first truthy value the probe gives', async () => {
    let calls = 0;
    await expect(waitFor('the third call', () => ++calls >= 3 && calls)).resolves.toBe(3);
  });

  it('fails naming what it waited for, with the last error', async () => {
    await expect(
      waitFor(
        'a miracle',
        () => {
          throw new Error('not yet');
        },
        { timeoutMs: 30, intervalMs: 5 },
      ),
    ).rejects.toThrow(/waiting for a miracle \(last error: Error: not yet\)/);
  });

  it('nextMillisecond returns once the clock has moved on', async () => {
    const before = Date.now();
    await nextMillisecond(before);
    expect(Date.now()).toBeGreaterThan(before);
  });
});
