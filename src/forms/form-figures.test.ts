import { describe, expect, it } from 'vitest';
import { conversionRate, daysOf, MAX_FIGURE_DAYS } from './form-figures.ts';

describe('daysOf', () => {
  it.each([
    ['2026-05-01', '2026-05-01', ['2026-05-01']],
    ['2026-02-27', '2026-03-01', ['2026-02-27', '2026-02-28', '2026-03-01']],
    ['2025-12-31', '2026-01-01', ['2025-12-31', '2026-01-01']],
  ])('%s to %s', (from, to, days) => {
    expect(daysOf(from, to)).toEqual(days);
  });
  it.each([
    ['2026-05-02', '2026-05-01', 'must not be before'],
    ['2026-5-1', '2026-05-01', 'must be dates'],
    ['2026-05-01', 'tomorrow', 'must be dates'],
    ['2020-01-01', '2026-01-01', `at most ${MAX_FIGURE_DAYS}`],
  ])('refuses %s to %s', (from, to, message) => {
    expect(() => daysOf(from, to)).toThrow(message);
  });
});

describe('conversionRate', () => {
  it.each([
    [0, 0, null],
    [0, 3, null],
    [10, 0, 0],
    [10, 3, 0.3],
    [4, 5, 1.25],
  ])('%d views, %d submissions → %s', (views, submissions, rate) => {
    expect(conversionRate(views, submissions)).toBe(rate);
  });
});
