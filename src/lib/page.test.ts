import { describe, expect, it } from 'vitest';
import { pageOf } from './page.ts';

describe('pageOf', () => {
  const cursorOf = (n: number) => `after-${n}`;
  it.each([
    { rows: [], limit: 2, page: [], next: null },
    { rows: [1], limit: 2, page: [1], next: null },
    { rows: [1, 2], limit: 2, page: [1, 2], next: null },
    { rows: [1, 2, 3], limit: 2, page: [1, 2], next: 'after-2' },
  ])('$rows.length rows read for a page of $limit', ({ rows, limit, page, next }) => {
    expect(pageOf(rows, limit, cursorOf)).toEqual({ rows: page, nextCursor: next });
  });
});
