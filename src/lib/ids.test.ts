import { describe, expect, it } from 'vitest';
import { isWellFormedId, newId } from './ids.ts';

describe('newId', () => {
  it('makes 128-bit base64url ids that never repeat, across many refills of its pool', () => {
    const ids = Array.from({ length: 10_000 }, () => newId());
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) {
      expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(Buffer.from(id, 'base64url')).toHaveLength(16);
      expect(isWellFormedId(id)).toBe(true);
    }
  });

  it('spreads its bits evenly (no byte of the pool reused or left zero)', () => {
    // 4,000 ids = 64,000 bytes: each of the 256 byte values is expected ~250 times.
    const counts = new Array<number>(256).fill(0);
    for (let i = 0; i < 4_000; i++) for (const byte of Buffer.from(newId(), 'base64url')) counts[byte]! += 1;
    expect(Math.min(...counts)).toBeGreaterThan(150);
    expect(Math.max(...counts)).toBeLessThan(350);
  });
});
