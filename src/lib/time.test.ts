import { describe, expect, it } from 'vitest';
import { isIsoDay } from './time.ts';

describe('isIsoDay', () => {
  it.each([
    ['2026-01-31', true],
    ['2024-02-29', true],
    ['2026-02-28', true],
    ['2026-02-29', false],
    ['2026-02-30', false],
    ['2026-04-31', false],
    ['2026-13-01', false],
    ['2026-00-10', false],
    ['2026-1-1', false],
    ['2026-01-01T00:00:00Z', false],
    ['', false],
  ])('%s → %s', (value, expected) => {
    expect(isIsoDay(value)).toBe(expected);
  });
});
