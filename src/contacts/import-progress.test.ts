import { describe, expect, it } from 'vitest';
import { IMPORT_STALL_MS, importProgressOf, importStatusOf } from './import-progress.ts';

describe('importStatusOf', () => {
  const now = 10 * IMPORT_STALL_MS;
  it.each([
    ['waiting', now - 2 * IMPORT_STALL_MS, 'waiting'],
    ['running', now - 1000, 'running'],
    ['running', now - IMPORT_STALL_MS, 'running'],
    ['running', now - IMPORT_STALL_MS - 1, 'interrupted'],
    ['done', now - 2 * IMPORT_STALL_MS, 'done'],
    ['failed', now - 2 * IMPORT_STALL_MS, 'failed'],
  ] as const)('%s, last reported %d → %s', (status, updatedAt, expected) => {
    expect(importStatusOf({ status, updatedAt }, now)).toBe(expected);
  });
});

describe('importProgressOf', () => {
  it.each([
    ['waiting', 0, 100, 0],
    ['running', 25, 100, 0.25],
    ['running', 150, 100, 1],
    ['running', 25, null, null],
    ['running', 25, 0, null],
    ['done', 25, null, 1],
    ['failed', 40, 100, 0.4],
    ['interrupted', 40, 100, 0.4],
  ] as const)('%s, %d of %s bytes → %s', (status, read, total, expected) => {
    expect(importProgressOf(status, read, total)).toBe(expected);
  });
});
