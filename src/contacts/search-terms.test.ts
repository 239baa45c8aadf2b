import { describe, expect, it } from 'vitest';
import { searchTerms } from './search-terms.ts';

describe('searchTerms', () => {
  it.each([
    ['', []],
    ['   ', []],
    ['Ann', [{ kind: 'any', value: 'Ann' }]],
    [
      'ann LOVE',
      [
        { kind: 'any', value: 'ann' },
        { kind: 'any', value: 'LOVE' },
      ],
    ],
    ['Ann@Shop', [{ kind: 'email', value: 'ann@shop' }]],
    ['@Shop.Example', [{ kind: 'domain', value: 'shop.example' }]],
    ['@', []],
    ['a b c d e f', ['a', 'b', 'c', 'd'].map((value) => ({ kind: 'any', value }))],
    ['100%', [{ kind: 'any', value: '100%' }]],
  ])('reads %j', (text, terms) => {
    expect(searchTerms(text)).toEqual(terms);
  });
});
