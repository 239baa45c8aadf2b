import { describe, expect, it } from 'vitest';
import { type FriendFacts, forwarderRefusal, friendVerdict, readFriendAddresses } from './forward-rules.ts';

const limits = { perPost: 5, perForwarderPerSend: 10, perAddressPerDay: 3 };

describe('readFriendAddresses', () => {
  it.each([
    { name: 'blank fields are ignored', fields: ['a@x.test', '', '  '], ok: ['a@x.test'] },
    { name: 'trimmed, domain lower-cased', fields: ['  Ann@X.Test '], ok: ['Ann@x.test'] },
    { name: 'the same address twice is one', fields: ['a@x.test', 'A@X.TEST'], ok: ['a@x.test'] },
    {
      name: 'five at once',
      fields: ['a@x.test', 'b@x.test', 'c@x.test', 'd@x.test', 'e@x.test'],
      ok: ['a@x.test', 'b@x.test', 'c@x.test', 'd@x.test', 'e@x.test'],
    },
    {
      name: 'six at once',
      fields: ['a@x.test', 'b@x.test', 'c@x.test', 'd@x.test', 'e@x.test', 'f@x.test'],
      problem: /at most 5/,
    },
    { name: 'none', fields: ['', ' '], problem: /at least one/ },
    { name: 'not an address', fields: ['a@x.test', 'nobody'], problem: /“nobody” is not an email address/ },
    { name: 'header injection', fields: ['a@x.test\r\nBcc: b@x.test'], problem: /not an email address/ },
    { name: 'too long', fields: [`${'a'.repeat(400)}@x.test`], problem: /not an email address/ },
  ])('$name', ({ fields, ok, problem }) => {
    const read = readFriendAddresses(fields, limits);
    if (ok)
      expect(read).toEqual({
        ok: true,
        addresses: ok.map((email) => ({ email, match: email.toLowerCase() })),
      });
    else expect(read.ok ? '' : read.problem).toMatch(problem!);
  });

  it('a lower per-post setting is what the message says', () => {
    expect(readFriendAddresses(['a@x.test', 'b@x.test'], { ...limits, perPost: 1 })).toEqual({
      ok: false,
      problem: 'Enter at most 1 addresses at a time.',
    });
  });
});

describe('forwarderRefusal', () => {
  it.each([
    { already: 0, entering: 5, refused: null },
    { already: 5, entering: 5, refused: null },
    { already: 6, entering: 5, refused: 'You can forward this email to 4 more addresses.' },
    { already: 9, entering: 2, refused: 'You can forward this email to 1 more address.' },
    { already: 10, entering: 1, refused: /already forwarded this email to 10 addresses/ },
  ])('$already already, $entering more', ({ already, entering, refused }) => {
    const answer = forwarderRefusal(already, entering, limits);
    if (refused === null) expect(answer).toBeNull();
    else expect(answer).toMatch(refused);
  });
});

describe('friendVerdict', () => {
  const none: FriendFacts = { suppressed: false, contacts: [], copiesLastDay: 0 };
  const member = (listId: string, status: 'subscribed' | 'unsubscribed') => ({ listId, status });
  it.each([
    { name: 'a stranger gets it', facts: none, verdict: 'send' },
    { name: 'a suppressed address does not', facts: { ...none, suppressed: true }, verdict: 'suppressed' },
    {
      name: 'suppression first, whatever else holds',
      facts: { ...none, suppressed: true, copiesLastDay: 9 },
      verdict: 'suppressed',
    },
    {
      name: 'a contact who asked for no email',
      facts: { ...none, contacts: [{ doNotEmail: true, memberships: [] }] },
      verdict: 'unsubscribed',
    },
    {
      name: "a contact who left one of this email's lists",
      facts: {
        ...none,
        contacts: [
          { doNotEmail: false, memberships: [member('news', 'unsubscribed'), member('b', 'subscribed')] },
        ],
      },
      verdict: 'unsubscribed',
    },
    {
      name: 'a contact who left every list they were on',
      facts: { ...none, contacts: [{ doNotEmail: false, memberships: [member('other', 'unsubscribed')] }] },
      verdict: 'unsubscribed',
    },
    {
      name: 'a contact who left another list but still gets some of ours',
      facts: {
        ...none,
        contacts: [
          { doNotEmail: false, memberships: [member('other', 'unsubscribed'), member('b', 'subscribed')] },
        ],
      },
      verdict: 'send',
    },
    {
      name: 'a contact on no list',
      facts: { ...none, contacts: [{ doNotEmail: false, memberships: [] }] },
      verdict: 'send',
    },
    {
      name: 'any of several contacts with the address who unsubscribed',
      facts: {
        ...none,
        contacts: [
          { doNotEmail: false, memberships: [] },
          { doNotEmail: true, memberships: [] },
        ],
      },
      verdict: 'unsubscribed',
    },
    { name: 'two copies today: a third', facts: { ...none, copiesLastDay: 2 }, verdict: 'send' },
    { name: 'three copies today: no fourth', facts: { ...none, copiesLastDay: 3 }, verdict: 'limited' },
  ] as { name: string; facts: FriendFacts; verdict: string }[])('$name', ({ facts, verdict }) => {
    expect(friendVerdict(facts, ['news'], limits)).toBe(verdict);
  });
});
