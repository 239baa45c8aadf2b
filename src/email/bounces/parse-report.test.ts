import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { autoReplyKindOf } from './auto-reply-rules.ts';
import { parseReport } from './parse-report.ts';

const FIXTURES = new URL('../../../test/fixtures/bounces/', import.meta.url);
const fill = (name: string, values: Record<string, string> = {}) =>
  Buffer.from(
    readFileSync(new URL(name, FIXTURES), 'utf8').replace(
      /\{\{(\w+)\}\}/g,
      (_, key: string) => values[key] ?? `${key.toLowerCase()}@x.test`,
    ),
  );
const refs = {
  SEND_HEADER: 'aaaaaaaaaa.bbbbbbbbbb.cccccccccc',
  MESSAGE_ID: '<m1@track.spoor.test>',
  TO: 'ada@mail.test',
};

describe('reading reports', () => {
  it("a real Postfix DSN: each recipient's action, status and diagnostic, and the quoted header", async () => {
    expect(await parseReport(fill('postfix-5.1.1-unknown-user.eml', refs))).toEqual({
      type: 'dsn',
      recipients: [
        {
          finalRecipient: 'ada@mail.test',
          originalRecipient: 'ada@mail.test',
          action: 'failed',
          status: '5.1.1',
          diagnostic: 'X-Postfix; unknown user: "ada@mail.test"',
        },
      ],
      original: { sendHeader: refs.SEND_HEADER, messageId: refs.MESSAGE_ID },
    });
    const quota = await parseReport(fill('postfix-5.2.2-over-quota.eml'));
    expect(quota).toMatchObject({ type: 'dsn', recipients: [{ action: 'failed', status: '5.2.2' }] });
    const expired = await parseReport(fill('postfix-4.4.1-expired.eml'));
    expect(expired).toMatchObject({
      type: 'dsn',
      recipients: [
        { action: 'failed', status: '4.4.1', diagnostic: expect.stringContaining('Connection refused') },
      ],
    });
  });

  it('an ARF complaint: the feedback type and the quoted header', async () => {
    expect(await parseReport(fill('arf-abuse.eml', refs))).toEqual({
      type: 'arf',
      feedbackType: 'abuse',
      recipient: 'ada@mail.test',
      original: { sendHeader: refs.SEND_HEADER, messageId: refs.MESSAGE_ID },
    });
  });

  it('auto-replies and challenges are told apart from reports', async () => {
    expect(await parseReport(fill('auto-reply-vacation.eml', refs))).toMatchObject({
      type: 'auto_reply',
      category: 'auto-reply',
      original: { messageId: refs.MESSAGE_ID },
    });
    expect(await parseReport(fill('challenge.eml', refs))).toMatchObject({
      type: 'auto_reply',
      category: 'challenge-response',
    });
  });

  it.each<[string, Buffer, RegExp]>([
    ['random bytes', Buffer.from([0, 1, 2, 255, 254, 10, 13, 0, 99]), /neither/],
    ['an empty message', Buffer.alloc(0), /neither/],
    ['a human reply', Buffer.from('From: a@b.test\r\nSubject: Re: News\r\n\r\nThanks!\r\n'), /neither/],
    [
      'a DSN cut off inside its delivery-status part',
      Buffer.from(
        fill('postfix-5.1.1-unknown-user.eml', refs).toString('utf8').split('Action:')[0] as string,
      ),
      /lacks Final-Recipient, Action or Status/,
    ],
    [
      'a report without its delivery-status part',
      Buffer.from(
        'Content-Type: multipart/report; report-type=delivery-status; boundary=x\r\n\r\n--x\r\nContent-Type: text/plain\r\n\r\nsorry\r\n--x--\r\n',
      ),
      /without its delivery-status part/,
    ],
    [
      'a complaint without a Feedback-Type',
      Buffer.from(
        'Content-Type: multipart/report; report-type=feedback-report; boundary=x\r\n\r\n--x\r\nContent-Type: message/feedback-report\r\n\r\nUser-Agent: x\r\n--x--\r\n',
      ),
      /without a Feedback-Type/,
    ],
  ])('%s is unparseable, with a reason', async (_, raw, reason) => {
    const parsed = await parseReport(raw);
    expect(parsed.type).toBe('unparseable');
    expect(parsed.type === 'unparseable' && parsed.reason).toMatch(reason);
  });
});

describe('auto-reply rules', () => {
  it.each<[string, Record<string, string>, string, string | null]>([
    ['Auto-Submitted: auto-replied', { 'auto-submitted': 'auto-replied' }, 'Hello', 'auto-reply'],
    ['Auto-Submitted: no is a person', { 'auto-submitted': 'no' }, 'Re: Hello', null],
    ['X-Autoreply', { 'x-autoreply': 'yes' }, 'Re: Hello', 'auto-reply'],
    ['Precedence: auto_reply', { precedence: 'auto_reply' }, 'Hello', 'auto-reply'],
    ['an Outlook subject', {}, 'Automatic reply: News', 'auto-reply'],
    ['out of office', {}, 'Out of Office: back Monday', 'auto-reply'],
    ['BoxTrapper', { 'x-boxtrapper': 'yes' }, 'Verify your email', 'challenge-response'],
    ['TMDA', { 'x-delivery-agent': 'TMDA/1.1.12' }, 'Re: News', 'challenge-response'],
    [
      'an automatic confirm request',
      { 'auto-submitted': 'auto-generated' },
      'Please confirm your message',
      'challenge-response',
    ],
    ['a person asking to confirm', {}, 'Please confirm the meeting', null],
    ['a plain reply', {}, 'Re: News', null],
  ])('%s', (_, headers, subject, expected) => {
    expect(autoReplyKindOf(new Map(Object.entries(headers)), subject)).toBe(expected);
  });
});
