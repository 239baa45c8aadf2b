import { describe, expect, it } from 'vitest';
import { Memo } from './memo.ts';

describe('Memo', () => {
  it('computes a key once, then answers from memory', () => {
    const memo = new Memo(10);
    let computed = 0;
    const value = () => {
      computed += 1;
      return `v${computed}`;
    };
    expect(memo.get('a', value)).toBe('v1');
    expect(memo.get('a', value)).toBe('v1');
    expect(computed).toBe(1);
  });

  it('forgets the least recently used past its bound', () => {
    const memo = new Memo(2);
    let computed = 0;
    const count = () => String(++computed);
    memo.get('a', count);
    memo.get('b', count);
    memo.get('c', count); // full: "a", used longest ago, is forgotten
    expect(memo.get('c', count)).toBe('3');
    expect(memo.get('a', count)).toBe('4');
    expect(computed).toBe(4);
  });
});
