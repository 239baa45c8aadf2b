import { describe, expect, it } from 'vitest';
import { basicAuthMatches, postmarkOutcome, readPostmarkRecord } from './postmark-events.ts';

const basic = (credentials: string) => `Basic ${Buffer.from(credentials).toString('base64')}`;

describe('Postmark’s Basic credentials', () => {
  it.each<[string, string | undefined, boolean]>([
    ['right', basic('postmark:0123456789abcdef'), true],
    ['lower-case scheme', basic('postmark:0123456789abcdef').replace('Basic', 'basic'), true],
    ['wrong password', basic('postmark:0123456789abcdeX'), false],
    ['password prefix', basic('postmark:0123456789abcde'), false],
    ['wrong user', basic('other:0123456789abcdef'), false],
    ['none', undefined, false],
    ['a bearer token', 'Bearer 0123456789abcdef', false],
    ['not base64', 'Basic !!!', false],
  ])('%s', (_name, header, ok) => {
    expect(basicAuthMatches(header, 'postmark', '0123456789abcdef')).toBe(ok);
  });
});

describe('Postmark’s bounce types', () => {
  it.each<[string | null, string | null, number | null, string | null, [string, string] | RegExp]>([
    ['Bounce', 'HardBounce', 1, 'smtp;550 5.1.1 unknown user', ['hard_bounce', 'invalid-mailbox']],
    ['Bounce', 'BadEmailAddress', 100000, null, ['hard_bounce', 'invalid-mailbox']],
    ['Bounce', 'SoftBounce', 4096, 'smtp;452 4.2.2 mailbox full', ['soft_bounce', 'full-mailbox']],
    ['Bounce', 'Transient', 2, 'greylisted, try again later', ['soft_bounce', 'greylisting-issues']],
    ['Bounce', 'DnsError', 256, null, ['soft_bounce', 'routing-issues']],
    ['Bounce', 'SpamNotification', 512, null, ['blocked', 'policy-related']],
    ['Bounce', 'Blocked', 100006, 'listed at spamhaus', ['blocked', 'blocklisting-issues']],
    ['Bounce', 'DMARCPolicy', 100009, null, ['blocked', 'dmarc-issues']],
    ['Bounce', 'ManuallyDeactivated', 100002, null, ['blocked', 'suppression-list']],
    ['Bounce', 'AutoResponder', 64, null, ['auto_reply', 'auto-reply']],
    ['Bounce', 'ChallengeVerification', 16384, null, ['auto_reply', 'challenge-response']],
    ['Bounce', null, 1, null, ['hard_bounce', 'invalid-mailbox']],
    ['Bounce', 'Unsubscribe', 16, null, /unsubscribe request/],
    ['Bounce', 'OpenRelayTest', 1024, null, /open relay/],
    ['Bounce', 'Whatever', 77, null, /unknown bounce type/],
    ['SpamComplaint', 'SpamComplaint', 512, null, ['complaint', 'complaint']],
    [null, 'SpamComplaint', 512, null, ['complaint', 'complaint']],
    ['Delivery', null, null, null, /Delivery record/],
  ])('%s %s %s', (recordType, type, code, details, expected) => {
    const outcome = postmarkOutcome(recordType, type, code, details);
    if (expected instanceof RegExp) expect(outcome).toMatch(expected);
    else expect(typeof outcome === 'string' ? outcome : [outcome.kind, outcome.category]).toEqual(expected);
  });
});

describe('which email a Postmark record names', () => {
  it('takes our header from Metadata, never Postmark’s MessageID', async () => {
    const event = await readPostmarkRecord({
      RecordType: 'Bounce',
      Type: 'HardBounce',
      MessageID: '883953f4-6105-42a2-a16a-77a8eac79483',
      Email: 'Ada@Mail.test',
      Metadata: { 'Spoor-Send': '2.s.c.tag' },
    });
    expect(event).toMatchObject({ sendHeader: '2.s.c.tag', messageId: null, email: 'ada@mail.test' });
  });

  it('finds our headers in the bounce Content when the webhook includes it', async () => {
    const content = [
      'From: MAILER-DAEMON@mx.test',
      'To: bounces@postmark.test',
      'Subject: Undelivered Mail',
      'Message-ID: <report@mx.test>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="b"',
      '',
      '--b',
      'Content-Type: text/plain',
      '',
      'It bounced.',
      '--b',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; mx.test',
      '',
      'Final-Recipient: rfc822; ada@mail.test',
      'Action: failed',
      'Status: 5.1.1',
      '',
      '--b',
      'Content-Type: text/rfc822-headers',
      '',
      'Message-ID: <abc@track.test>',
      'X-Spoor-Send: 2.s.c.tag',
      '',
      '--b--',
      '',
    ].join('\r\n');
    const event = await readPostmarkRecord({
      RecordType: 'Bounce',
      Type: 'HardBounce',
      Email: 'ada@mail.test',
      Content: content,
    });
    expect(event).toMatchObject({ sendHeader: '2.s.c.tag', messageId: '<abc@track.test>' });
  });
});
