import { describe, expect, it } from 'vitest';
import { KEPT_END, KEPT_START, keptSections } from './kept-sections.ts';

describe('sections a bench run carries over', () => {
  const block = (text: string) => `${KEPT_START}\n${text}\n${KEPT_END}`;
  it.each([
    ['a page without markers', '# Benchmarks\n\nfigures', []],
    [
      'one block',
      `# B\n\n${block('## Issue 14\n\nold 1.0')}\n\n## How to read this`,
      [block('## Issue 14\n\nold 1.0')],
    ],
    ['two blocks, in order', `${block('a')}\nbetween\n${block('b')}`, [block('a'), block('b')]],
    ['an unclosed block is not carried', `${block('a')}\n${KEPT_START}\nhalf`, [block('a')]],
  ])('%s', (_name, page, expected) => {
    expect(keptSections(page)).toEqual(expected);
  });
});
