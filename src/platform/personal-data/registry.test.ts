import { describe, expect, it } from 'vitest';
import type { Db } from '../../storage/schema.ts';
import { type PersonalDataHolder, PersonalDataRegistry } from './registry.ts';

const scope = { tx: {} as Db, engine: 'sqlite' as const, contactId: 'c1', emailMatch: null };
const mergeScope = { tx: {} as Db, engine: 'sqlite' as const, winnerId: 'w', loserId: 'l', now: 0 };

/** A holder that notes each call in `calls` and answers `key`. */
function holder(name: string, calls: string[], key = name): PersonalDataHolder {
  return {
    name,
    export: async () => {
      calls.push(`export ${name}`);
      return { [key]: [name] };
    },
    erase: async () => {
      calls.push(`erase ${name}`);
      return { [key]: 1 };
    },
    merge: async () => {
      calls.push(`merge ${name}`);
    },
  };
}

describe('PersonalDataRegistry', () => {
  it('exports and merges in registration order, erases in reverse (from the outside in)', async () => {
    const calls: string[] = [];
    const registry = new PersonalDataRegistry([holder('a', calls), holder('b', calls)]);
    registry.register(holder('c', calls), { before: 'b' });
    expect(registry.names()).toEqual(['a', 'c', 'b']);
    expect(await registry.exportContact(scope)).toEqual({ a: ['a'], c: ['c'], b: ['b'] });
    expect(await registry.eraseContact(scope)).toEqual({ a: 1, c: 1, b: 1 });
    await registry.mergeContacts(mergeScope);
    expect(calls).toEqual([
      'export a',
      'export c',
      'export b',
      'erase b',
      'erase c',
      'erase a',
      'merge a',
      'merge c',
      'merge b',
    ]);
  });

  it('a removed holder takes no part any more', async () => {
    const calls: string[] = [];
    const registry = new PersonalDataRegistry([holder('a', calls)]);
    const remove = registry.register(holder('b', calls));
    remove();
    expect(await registry.exportContact(scope)).toEqual({ a: ['a'] });
  });

  it.each([
    [
      'the same name twice',
      () => new PersonalDataRegistry([holder('a', []), holder('a', [], 'x')]),
      /already/,
    ],
    [
      'in front of a holder that is not there',
      () => new PersonalDataRegistry([]).register(holder('a', []), { before: 'z' }),
      /No personal-data holder named "z"/,
    ],
  ])('refuses %s', (_, register, message) => {
    expect(register).toThrow(message);
  });

  it('refuses two holders answering the same key (one would hide the other)', async () => {
    const registry = new PersonalDataRegistry([holder('a', [], 'visits'), holder('b', [], 'visits')]);
    await expect(registry.exportContact(scope)).rejects.toThrow(/"b" answers the export section "visits"/);
    await expect(registry.eraseContact(scope)).rejects.toThrow(/"a" answers the erasure count "visits"/);
  });
});
