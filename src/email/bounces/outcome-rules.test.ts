import { describe, expect, it } from 'vitest';
import { classifyDsnRecipient, recipientChangeFor, smtpTimeOutcome } from './outcome-rules.ts';

describe('a DSN recipient', () => {
  it.each<[string, string, string, string | null, null | [string, string]]>([
    [
      'Postfix: unknown user',
      'failed',
      '5.1.1',
      'X-Postfix; unknown user: "nobody@mail.test"',
      ['hard_bounce', 'invalid-mailbox'],
    ],
    [
      'Gmail: no such user',
      'failed',
      '5.1.1',
      'smtp; 550-5.1.1 The email account that you tried to reach does not exist.',
      ['hard_bounce', 'invalid-mailbox'],
    ],
    ['bad domain', 'failed', '5.1.2', 'smtp; 550 5.1.2 Host unknown', ['hard_bounce', 'invalid-domain']],
    ['Postfix: over quota', 'failed', '5.2.2', 'x-unix; input/output error', ['soft_bounce', 'full-mailbox']],
    ['mailbox full words', 'failed', '5.0.0', 'smtp; 552 Mailbox is full', ['soft_bounce', 'full-mailbox']],
    [
      'expired after retries (4.x.x failed)',
      'failed',
      '4.4.1',
      'X-Postfix; connect to 127.0.0.1[127.0.0.1]:9: Connection refused',
      ['soft_bounce', 'message-expired'],
    ],
    [
      'blocklisted sender',
      'failed',
      '5.7.1',
      'smtp; 554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org',
      ['blocked', 'blocklisting-issues'],
    ],
    [
      'DMARC',
      'failed',
      '5.7.26',
      'smtp; 550 5.7.26 Unauthenticated email is not accepted due to DMARC policy',
      ['blocked', 'dmarc-issues'],
    ],
    [
      'content',
      'failed',
      '5.7.1',
      'smtp; 550 5.7.1 Message content rejected as spam',
      ['blocked', 'policy-related'],
    ],
    [
      'relay refused under an address code',
      'failed',
      '5.1.1',
      'smtp; 554 5.1.1 Relay access denied',
      ['blocked', 'relaying-issues'],
    ],
    [
      'mailbox disabled',
      'failed',
      '5.2.1',
      'smtp; 550 5.2.1 The email account that you tried to reach is disabled',
      ['hard_bounce', 'inactive-mailbox'],
    ],
    ['a delay warning is no bounce', 'delayed', '4.4.1', 'X-Postfix; connection timed out', null],
    ['a delivery is no bounce', 'delivered', '2.0.0', 'smtp; 250 ok', null],
    ['unreadable status, no words: soft', 'failed', 'x', null, ['soft_bounce', 'other']],
  ])('%s', (_, action, status, diagnostic, expected) => {
    const verdict = classifyDsnRecipient({ action, status, diagnostic });
    if (expected === null) expect(verdict).toBeNull();
    else expect(verdict).toMatchObject({ kind: expected[0], category: expected[1] });
  });
});

describe('an SMTP-time refusal', () => {
  it.each<
    [string, 'refused_permanently' | 'refused_temporarily' | 'refused_by_policy', string, [string, string]]
  >([
    [
      'unknown user',
      'refused_permanently',
      '550 5.1.1 <a@b>: User unknown',
      ['hard_bounce', 'invalid-mailbox'],
    ],
    [
      'full mailbox after the last try',
      'refused_temporarily',
      '452 4.2.2 Mailbox full',
      ['soft_bounce', 'full-mailbox'],
    ],
    [
      'greylisted to the end',
      'refused_temporarily',
      '450 4.7.1 Greylisted, try again later',
      ['soft_bounce', 'greylisting-issues'],
    ],
    [
      'content rejected after the last try',
      'refused_by_policy',
      '550 5.7.1 Message content rejected',
      ['blocked', 'policy-related'],
    ],
  ])('%s', (_, verdict, response, [kind, category]) => {
    expect(smtpTimeOutcome(verdict, response)).toMatchObject({ kind, category });
  });
});

describe("a late outcome's effect on the recipient and counters", () => {
  it.each<[string, string, Parameters<typeof recipientChangeFor>[1], string | null, [string, number][]]>([
    [
      'accepted, then hard-bounced',
      'sent',
      'hard_bounce',
      'hard_bounce',
      [
        ['hard_bounce', 1],
        ['late_bounce', 1],
      ],
    ],
    [
      'accepted, then soft-bounced',
      'sent',
      'soft_bounce',
      'soft_bounce',
      [
        ['soft_bounce', 1],
        ['late_bounce', 1],
      ],
    ],
    [
      'accepted, then refused for policy',
      'sent',
      'blocked',
      'soft_bounce',
      [
        ['soft_bounce', 1],
        ['late_bounce', 1],
        ['policy_refusal', 1],
      ],
    ],
    [
      'soft, then hard',
      'soft_bounce',
      'hard_bounce',
      'hard_bounce',
      [
        ['soft_bounce', -1],
        ['hard_bounce', 1],
      ],
    ],
    ['hard, then soft: stays hard', 'hard_bounce', 'soft_bounce', null, []],
    ['a complaint changes no status', 'sent', 'complaint', null, [['complaint', 1]]],
    ['an auto-reply changes no status', 'sent', 'auto_reply', null, [['auto_reply', 1]]],
  ])('%s', (_, status, kind, next, counters) => {
    expect(recipientChangeFor(status, kind)).toEqual({ status: next, counters });
  });
});
