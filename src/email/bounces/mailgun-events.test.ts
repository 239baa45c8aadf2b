import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkMailgunSignature, readMailgunEvent } from './mailgun-events.ts';

const KEY = 'key-0123456789abcdef0123';
const NOW = 1_780_000_000_000;
const TOKEN = 'a'.repeat(50);
const sign = (timestamp: string, token: string, key = KEY) =>
  createHmac('sha256', key)
    .update(timestamp + token)
    .digest('hex');
const body = (signature: Record<string, unknown>) => ({ signature, 'event-data': { event: 'failed' } });

describe("Mailgun's signature", () => {
  const ts = String(NOW / 1000);
  it.each<[string, unknown, RegExp | null]>([
    ['genuine', body({ timestamp: ts, token: TOKEN, signature: sign(ts, TOKEN) }), null],
    ['a numeric timestamp', body({ timestamp: NOW / 1000, token: TOKEN, signature: sign(ts, TOKEN) }), null],
    ['upper-case hex', body({ timestamp: ts, token: TOKEN, signature: sign(ts, TOKEN).toUpperCase() }), null],
    [
      'another key',
      body({ timestamp: ts, token: TOKEN, signature: sign(ts, TOKEN, 'key-other-0123456789') }),
      /does not match/,
    ],
    [
      'an altered token',
      body({ timestamp: ts, token: 'b'.repeat(50), signature: sign(ts, TOKEN) }),
      /does not match/,
    ],
    [
      '16 minutes old',
      body({
        timestamp: String(NOW / 1000 - 960),
        token: TOKEN,
        signature: sign(String(NOW / 1000 - 960), TOKEN),
      }),
      /15 minutes/,
    ],
    ['no signature block', { 'event-data': {} }, /no signature/],
    ['a short signature', body({ timestamp: ts, token: TOKEN, signature: 'abc' }), /64 hexadecimal/],
    ['no token', body({ timestamp: ts, signature: sign(ts, '') }), /token/],
    [
      'a word for a timestamp',
      body({ timestamp: 'now', token: TOKEN, signature: sign('now', TOKEN) }),
      /seconds/,
    ],
    [
      'signed but no event-data',
      { signature: { timestamp: ts, token: TOKEN, signature: sign(ts, TOKEN) } },
      /event-data/,
    ],
    ['not an object', 'text', /no signature/],
  ])('%s', (_name, input, problem) => {
    const checked = checkMailgunSignature(KEY, input, NOW);
    if (problem === null) expect(checked.ok).toBe(true);
    else expect(checked.ok ? 'accepted' : checked.reason).toMatch(problem);
  });
});

describe("Mailgun's events", () => {
  const base = { recipient: 'Ada@Mail.test', message: { headers: { 'message-id': 'abc@track.test' } } };
  it.each<[string, Record<string, unknown>, [string, string] | RegExp]>([
    [
      'permanent, user unknown',
      {
        event: 'failed',
        severity: 'permanent',
        reason: 'bounce',
        'delivery-status': { code: 550, message: '5.1.1 The email account does not exist' },
      },
      ['hard_bounce', 'invalid-mailbox'],
    ],
    [
      'permanent, generic policy',
      {
        event: 'failed',
        severity: 'permanent',
        reason: 'generic',
        'delivery-status': { code: 554, message: '5.7.1 Message rejected as spam' },
      },
      ['blocked', 'policy-related'],
    ],
    [
      'permanent, mailbox full',
      {
        event: 'failed',
        severity: 'permanent',
        reason: 'bounce',
        'delivery-status': { code: 552, 'enhanced-code': '5.2.2', message: 'Mailbox full' },
      },
      ['soft_bounce', 'full-mailbox'],
    ],
    [
      'permanent, on the bounce list',
      { event: 'failed', severity: 'permanent', reason: 'suppress-bounce' },
      ['hard_bounce', 'suppression-list'],
    ],
    [
      'permanent, unsubscribed at Mailgun',
      { event: 'failed', severity: 'permanent', reason: 'suppress-unsubscribe' },
      ['blocked', 'suppression-list'],
    ],
    [
      'permanent, gave up retrying',
      { event: 'failed', severity: 'permanent', reason: 'old' },
      ['soft_bounce', 'message-expired'],
    ],
    ['temporary', { event: 'failed', severity: 'temporary', reason: 'generic' }, /keeps trying/],
    ['complained', { event: 'complained' }, ['complaint', 'complaint']],
    ['delivered', { event: 'delivered' }, /delivered event/],
    ['failed without severity', { event: 'failed' }, /severity/],
  ])('%s', (_name, data, expected) => {
    const event = readMailgunEvent({ ...base, ...data });
    expect(event.messageId).toBe('<abc@track.test>');
    expect(event.email).toBe('ada@mail.test');
    if (expected instanceof RegExp) expect(event.ignored).toMatch(expected);
    else expect([event.outcome?.kind, event.outcome?.category]).toEqual(expected);
  });
});
