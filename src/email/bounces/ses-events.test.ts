import { describe, expect, it } from 'vitest';
import { readSesNotification, sesBounceVerdict } from './ses-events.ts';

describe('an SES bounce recipient', () => {
  it.each<[string, string, string, string | null, string | null, [string, string]]>([
    [
      'Permanent/General, user unknown',
      'Permanent',
      'General',
      '5.1.1',
      'smtp; 550 5.1.1 user unknown',
      ['hard_bounce', 'invalid-mailbox'],
    ],
    [
      'Permanent/NoEmail without words',
      'Permanent',
      'NoEmail',
      null,
      null,
      ['hard_bounce', 'invalid-mailbox'],
    ],
    [
      'Permanent/Suppressed (never sent)',
      'Permanent',
      'Suppressed',
      '5.1.1',
      'Amazon SES has suppressed sending',
      ['hard_bounce', 'suppression-list'],
    ],
    [
      'Permanent/OnAccountSuppressionList',
      'Permanent',
      'OnAccountSuppressionList',
      null,
      null,
      ['hard_bounce', 'suppression-list'],
    ],
    [
      'Permanent/UnsubscribedRecipient',
      'Permanent',
      'UnsubscribedRecipient',
      null,
      null,
      ['blocked', 'suppression-list'],
    ],
    [
      'Permanent but a policy refusal',
      'Permanent',
      'General',
      '5.7.1',
      'smtp; 554 5.7.1 blocked using zen.spamhaus.org',
      ['blocked', 'blocklisting-issues'],
    ],
    [
      'Transient/MailboxFull',
      'Transient',
      'MailboxFull',
      '5.2.2',
      'smtp; 552 5.2.2 Mailbox full',
      ['soft_bounce', 'full-mailbox'],
    ],
    [
      'Transient/MailboxFull without words',
      'Transient',
      'MailboxFull',
      null,
      null,
      ['soft_bounce', 'full-mailbox'],
    ],
    [
      'Transient/General gave up (4.x.x)',
      'Transient',
      'General',
      '4.4.7',
      'smtp; 421 timed out',
      ['soft_bounce', 'message-expired'],
    ],
    ['Transient/ContentRejected', 'Transient', 'ContentRejected', null, null, ['blocked', 'policy-related']],
    [
      'Transient/AttachmentRejected',
      'Transient',
      'AttachmentRejected',
      null,
      null,
      ['blocked', 'policy-related'],
    ],
    ['Transient/MessageTooLarge', 'Transient', 'MessageTooLarge', null, null, ['blocked', 'policy-related']],
    ['Undetermined', 'Undetermined', 'Undetermined', null, null, ['soft_bounce', 'other']],
  ])('%s', (_name, type, subType, status, diagnostic, [kind, category]) => {
    expect(sesBounceVerdict(type, subType, { status, diagnostic })).toMatchObject({ kind, category });
  });
});

const mail = {
  messageId: 'ses-own-id',
  destination: ['ada@mail.test'],
  headers: [
    { name: 'Message-ID', value: '<abc@track.test>' },
    { name: 'X-Spoor-Send', value: '2.s.c.tag' },
  ],
  commonHeaders: { messageId: '<abc@track.test>' },
};

describe('an SES notification', () => {
  it('reads a bounce of each recipient, named by our headers, never SES’s messageId', () => {
    const events = readSesNotification(
      JSON.stringify({
        notificationType: 'Bounce',
        mail,
        bounce: {
          bounceType: 'Permanent',
          bounceSubType: 'General',
          bouncedRecipients: [
            {
              emailAddress: 'Ada@Mail.test',
              action: 'failed',
              status: '5.1.1',
              diagnosticCode: 'smtp; 550 5.1.1 unknown',
            },
          ],
        },
      }),
    );
    expect(events).toEqual([
      {
        sendHeader: '2.s.c.tag',
        messageId: '<abc@track.test>',
        email: 'ada@mail.test',
        outcome: {
          kind: 'hard_bounce',
          category: 'invalid-mailbox',
          status: '5.1.1',
          detail: 'smtp; 550 5.1.1 unknown',
        },
        ignored: null,
      },
    ]);
  });

  it('takes the event-publishing form (eventType) and the Message-ID from commonHeaders', () => {
    const [event] = readSesNotification(
      JSON.stringify({
        eventType: 'Complaint',
        mail: { ...mail, headers: [] },
        complaint: {
          complainedRecipients: [{ emailAddress: 'ada@mail.test' }],
          complaintFeedbackType: 'abuse',
        },
      }),
    );
    expect(event).toMatchObject({
      sendHeader: null,
      messageId: '<abc@track.test>',
      outcome: { kind: 'complaint', status: 'abuse' },
    });
  });

  it.each<[string, unknown, RegExp | null, string | null]>([
    [
      'a complaint without a feedback type',
      {
        notificationType: 'Complaint',
        mail,
        complaint: { complainedRecipients: [{ emailAddress: 'a@b.c' }] },
      },
      null,
      'complaint',
    ],
    [
      'a not-spam report',
      {
        notificationType: 'Complaint',
        mail,
        complaint: { complainedRecipients: [{ emailAddress: 'a@b.c' }], complaintFeedbackType: 'not-spam' },
      },
      /no complaint/,
      null,
    ],
    [
      'a complaint SES never sent (suppression list)',
      {
        notificationType: 'Complaint',
        mail,
        complaint: {
          complainedRecipients: [{ emailAddress: 'a@b.c' }],
          complaintSubType: 'OnAccountSuppressionList',
        },
      },
      null,
      'blocked',
    ],
    ['a delivery', { notificationType: 'Delivery', mail, delivery: {} }, /delivery/, null],
    ['an open', { eventType: 'Open', mail }, /Open event/, null],
    ['not JSON', 'nope', /not JSON/, null],
    ['a bounce without its object', { notificationType: 'Bounce', mail }, /without/, null],
    [
      'a bounce with no recipient',
      { notificationType: 'Bounce', mail, bounce: { bounceType: 'Permanent' } },
      /no recipient/,
      null,
    ],
    ['an array', [1], /not an SES notification/, null],
  ])('%s', (_name, body, ignored, kind) => {
    const [event] = readSesNotification(typeof body === 'string' ? body : JSON.stringify(body));
    if (ignored) expect(event?.ignored).toMatch(ignored);
    else expect(event?.outcome?.kind).toBe(kind);
  });
});
