import { describe, expect, it } from 'vitest';
import { changeBetween, periodQuery, resolvePeriod } from './period';

const TODAY = '2026-03-15';

describe('resolvePeriod', () => {
  it.each([
    [
      '',
      {
        preset: '30d',
        from: '2026-02-14',
        to: '2026-03-15',
        days: 30,
        previous: { from: '2026-01-15', to: '2026-02-13' },
      },
    ],
    [
      'period=today',
      {
        preset: 'today',
        from: '2026-03-15',
        to: '2026-03-15',
        days: 1,
        previous: { from: '2026-03-14', to: '2026-03-14' },
      },
    ],
    [
      'period=7d',
      {
        preset: '7d',
        from: '2026-03-09',
        to: '2026-03-15',
        days: 7,
        previous: { from: '2026-03-02', to: '2026-03-08' },
      },
    ],
    [
      'period=90d',
      {
        preset: '90d',
        from: '2025-12-16',
        to: '2026-03-15',
        days: 90,
        previous: { from: '2025-09-17', to: '2025-12-15' },
      },
    ],
    [
      'period=12mo',
      {
        preset: '12mo',
        from: '2025-03-16',
        to: '2026-03-15',
        days: 365,
        previous: { from: '2024-03-16', to: '2025-03-15' },
      },
    ],
    [
      'period=custom&from=2026-01-01&to=2026-01-10',
      {
        preset: 'custom',
        from: '2026-01-01',
        to: '2026-01-10',
        days: 10,
        previous: { from: '2025-12-22', to: '2025-12-31' },
      },
    ],
    // Reversed days are put in order; malformed ones fall back to the default period.
    [
      'period=custom&from=2026-01-10&to=2026-01-01',
      {
        preset: 'custom',
        from: '2026-01-01',
        to: '2026-01-10',
        days: 10,
        previous: { from: '2025-12-22', to: '2025-12-31' },
      },
    ],
    [
      'period=custom&from=2026-02-30&to=nope',
      {
        preset: '30d',
        from: '2026-02-14',
        to: '2026-03-15',
        days: 30,
        previous: { from: '2026-01-15', to: '2026-02-13' },
      },
    ],
    [
      'period=forever',
      {
        preset: '30d',
        from: '2026-02-14',
        to: '2026-03-15',
        days: 30,
        previous: { from: '2026-01-15', to: '2026-02-13' },
      },
    ],
  ])('%s', (query, expected) => {
    expect(resolvePeriod(new URLSearchParams(query), TODAY)).toEqual(expected);
  });

  it('counts a leap year in the last 12 months', () => {
    expect(resolvePeriod(new URLSearchParams('period=12mo'), '2028-03-15').days).toBe(366);
  });
});

describe('periodQuery', () => {
  it.each([
    ['tab=pages', { preset: '7d' as const }, 'tab=pages&period=7d'],
    ['period=custom&from=2026-01-01&to=2026-01-02', { preset: 'today' as const }, 'period=today'],
    [
      '',
      { preset: 'custom' as const, from: '2026-01-01', to: '2026-01-31' },
      'period=custom&from=2026-01-01&to=2026-01-31',
    ],
  ])('%s + %o', (query, choice, expected) => {
    expect(periodQuery(new URLSearchParams(query), choice).toString()).toBe(expected);
  });
});

describe('changeBetween', () => {
  it.each([
    [120, 100, 0.2],
    [80, 100, -0.2],
    [5, 0, null],
    [5, null, null],
    [0, 4, -1],
  ])('%d against %s', (current, previous, expected) => {
    expect(changeBetween(current, previous)).toBe(expected);
  });
});
