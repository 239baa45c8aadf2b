import { describe, expect, it } from 'vitest';
import { type CenterChoice, type MemberStatus, planCenterChanges } from './center-rules.ts';

const S: MemberStatus = 'subscribed';
const U: MemberStatus = 'unsubscribed';

describe('planCenterChanges', () => {
  const cases: {
    name: string;
    choice: CenterChoice;
    public: string[];
    statuses: [string, MemberStatus][];
    expected: { subscribe: string[]; unsubscribe: string[] };
  }[] = [
    {
      name: 'nothing changed',
      choice: { action: 'save', shown: ['a', 'b'], ticked: ['a'] },
      public: ['a', 'b'],
      statuses: [['a', S]],
      expected: { subscribe: [], unsubscribe: [] },
    },
    {
      name: 'ticks a new list and unticks one',
      choice: { action: 'save', shown: ['a', 'b'], ticked: ['b'] },
      public: ['a', 'b'],
      statuses: [['a', S]],
      expected: { subscribe: ['b'], unsubscribe: ['a'] },
    },
    {
      name: 'ticks a list left earlier: rejoins',
      choice: { action: 'save', shown: ['a'], ticked: ['a'] },
      public: ['a'],
      statuses: [['a', U]],
      expected: { subscribe: ['a'], unsubscribe: [] },
    },
    {
      name: 'a list not shown is never touched (made public after the page was rendered)',
      choice: { action: 'save', shown: ['a'], ticked: [] },
      public: ['a', 'b'],
      statuses: [['b', S]],
      expected: { subscribe: [], unsubscribe: [] },
    },
    {
      name: 'a list no longer public is never touched, ticked or not',
      choice: { action: 'save', shown: ['a', 'b'], ticked: ['b'] },
      public: ['a'],
      statuses: [['a', S]],
      expected: { subscribe: [], unsubscribe: ['a'] },
    },
    {
      name: 'a ticked id the page never showed is ignored (a forged box)',
      choice: { action: 'save', shown: ['a'], ticked: ['a', 'secret'] },
      public: ['a', 'secret'],
      statuses: [],
      expected: { subscribe: ['a'], unsubscribe: [] },
    },
    {
      name: 'unsubscribe from all: every subscribed list, public or not, whatever is ticked',
      choice: { action: 'unsubscribe_all', shown: ['a'], ticked: ['a'] },
      public: ['a'],
      statuses: [
        ['private', S],
        ['a', S],
        ['gone', U],
      ],
      expected: { subscribe: [], unsubscribe: ['a', 'private'] },
    },
  ];
  it.each(cases)('$name', ({ choice, public: pub, statuses, expected }) => {
    expect(planCenterChanges(choice, pub, new Map(statuses))).toEqual(expected);
  });
});
