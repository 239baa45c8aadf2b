import { describe, expect, it } from 'vitest';
import { classifyRefusal, enhancedStatusOf, type RefusalClass } from './smtp-refusal.ts';

// Replies as real servers word them (Postfix, Exim, sendmail, Gmail, Outlook/Exchange, Yahoo).
const cases: [string, number, string, RefusalClass][] = [
  // The address does not work: suppress.
  [
    'Postfix user unknown',
    550,
    '550 5.1.1 <bob@example.com>: Recipient address rejected: User unknown in local recipient table',
    'address',
  ],
  [
    'Postfix virtual user unknown',
    550,
    '550 5.1.1 <bob@example.com>: Recipient address rejected: User unknown in virtual mailbox table',
    'address',
  ],
  [
    'Gmail no such user (multi-line)',
    550,
    "550-5.1.1 The email account that you tried to reach does not exist. Please try\n550-5.1.1 double-checking the recipient's email address for typos or\n550 5.1.1 unnecessary spaces. https://support.google.com/mail/?p=NoSuchUser",
    'address',
  ],
  ['Exchange recipient not found', 550, '550 5.1.1 RESOLVER.ADR.RecipNotFound; not found', 'address'],
  [
    'Exchange Online 5.1.10',
    550,
    '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient bob@contoso.com not found by SMTP address lookup',
    'address',
  ],
  [
    'bad destination domain',
    550,
    '550 5.1.2 <bob@nowhere.invalid>: Recipient address rejected: Domain not found',
    'address',
  ],
  ['bad address syntax', 501, '501 5.1.3 Bad recipient address syntax', 'address'],
  ['null MX (RFC 7505)', 556, '556 5.1.10 Recipient address has null MX', 'address'],
  ['mailbox moved', 551, '551 5.1.6 User has moved; no forwarding address', 'address'],
  [
    'Gmail account disabled',
    550,
    '550-5.2.1 The email account that you tried to reach is disabled. https://support.google.com/mail/?p=DisabledUser',
    'address',
  ],
  ['sendmail 5.0.0 with user unknown', 550, '550 5.0.0 <bob@example.com>... User unknown', 'address'],
  [
    'Outlook.com 5.5.0 mailbox unavailable',
    550,
    '550 5.5.0 Requested action not taken: mailbox unavailable (S2017062302).',
    'address',
  ],
  ['Exim unrouteable address, no enhanced code', 550, '550 Unrouteable address', 'address'],
  [
    'Yahoo no account, no enhanced code',
    554,
    "554 delivery error: dd This user doesn't have a yahoo.com account (bob@yahoo.com) [0] - mta1.mail.yahoo.com",
    'address',
  ],
  [
    'Yahoo mailbox disabled',
    554,
    '554 30 Sorry, your message to bob@yahoo.com cannot be delivered. This mailbox is disabled (554.30).',
    'address',
  ],
  ['plain no such user', 550, '550 No such user here', 'address'],
  ['RFC 5321 default text', 550, '550 Requested action not taken: mailbox unavailable', 'address'],

  // Temporary or unknown: retry, soft bounce after the last try, never suppress.
  [
    'Postfix greylisting',
    450,
    '450 4.2.0 <bob@example.com>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/',
    'temporary',
  ],
  [
    'a 4xx about the address is still only temporary',
    450,
    '450 4.1.1 <bob@example.com>: Recipient address rejected: User unknown in virtual mailbox table',
    'temporary',
  ],
  [
    'Gmail mailbox full',
    552,
    '552-5.2.2 The email account that you tried to reach is over quota. https://support.google.com/mail/?p=OverQuotaPerm',
    'temporary',
  ],
  [
    'Gmail receiving at too high a rate',
    550,
    '550-5.2.1 The user you are trying to contact is receiving mail at a rate that prevents additional messages from being delivered.',
    'temporary',
  ],
  [
    'mailbox full without enhanced code',
    552,
    '552 Requested mail action aborted: exceeded storage allocation',
    'temporary',
  ],
  ['Yahoo over quota', 552, '552 1 Requested mail action aborted, mailbox is full', 'temporary'],
  ['an unknown 5xx with nothing to read', 554, '554 Transaction failed', 'temporary'],
  ['an undefined 5.0.0 with nothing to read', 550, '550 5.0.0 Rejected', 'temporary'],
  ['codes that disagree take the milder', 550, '550 4.2.2 Mailbox full', 'temporary'],
  ['an IP address is not a status code', 550, '550 Rejected by 5.1.1.4', 'temporary'],

  // Not the recipient's: never suppress.
  ['Postfix relay access denied', 554, '554 5.7.1 <bob@example.com>: Relay access denied', 'not_recipient'],
  ['Postfix content rejected', 550, '550 5.7.1 Message content rejected', 'not_recipient'],
  [
    'Postfix RBL',
    554,
    '554 5.7.1 Service unavailable; Client host [192.0.2.10] blocked using zen.spamhaus.org',
    'not_recipient',
  ],
  [
    'Postfix recipient access denied',
    554,
    '554 5.7.1 <bob@example.com>: Recipient address rejected: Access denied',
    'not_recipient',
  ],
  [
    'Postfix sender login mismatch',
    553,
    '553 5.7.1 <news@spoor.test>: Sender address rejected: not owned by user mailer',
    'not_recipient',
  ],
  ['Postfix message too big', 552, '552 5.3.4 Message size exceeds fixed limit', 'not_recipient'],
  [
    'sender domain unknown under a 5.1.8',
    553,
    '553 5.1.8 <news@spoor.test>: Sender address rejected: Domain not found',
    'not_recipient',
  ],
  [
    'sender address under an address code',
    550,
    '550 5.1.1 <news@spoor.test>: Sender address rejected: User unknown in local recipient table',
    'not_recipient',
  ],
  [
    'sendmail sender domain, no enhanced code',
    553,
    '553 Domain of sender address news@spoor.test does not exist',
    'not_recipient',
  ],
  ['Exim relay not permitted', 550, '550 relay not permitted', 'not_recipient'],
  [
    'Exim sender verify',
    550,
    '550 Verification failed for <news@spoor.test>: Unrouteable address; Sender verify failed',
    'not_recipient',
  ],
  ['Exim administrative prohibition', 550, '550 Administrative prohibition', 'not_recipient'],
  [
    'Gmail DMARC / unauthenticated',
    550,
    '550-5.7.26 This mail is unauthenticated, which poses a security risk to the sender and Gmail users.',
    'not_recipient',
  ],
  [
    'Gmail spam',
    550,
    '550-5.7.1 Our system has detected that this message is likely unsolicited mail.',
    'not_recipient',
  ],
  ['Exchange unable to relay', 550, '550 5.7.1 Unable to relay', 'not_recipient'],
  [
    'Exchange banned sending IP',
    550,
    '550 5.7.606 Access denied, banned sending IP [192.0.2.10].',
    'not_recipient',
  ],
  [
    'Exchange group needs authenticated sender',
    550,
    '550 5.7.133 RESOLVER.RST.SenderNotAuthenticatedForGroup; authentication required',
    'not_recipient',
  ],
  ['Exchange mail loop', 554, '554 5.4.14 Hop count exceeded - possible mail loop ATTR34', 'not_recipient'],
  [
    'Exchange directory edge blocking (ambiguous, so not suppressed)',
    550,
    '550 5.4.1 Recipient address rejected: Access denied. AS(201806281)',
    'not_recipient',
  ],
  [
    'Yahoo IP on a list',
    553,
    "553 5.7.1 [BL21] Connections will not be accepted from 192.0.2.10, because the ip is in Spamhaus's list",
    'not_recipient',
  ],
  [
    'Yahoo policy',
    554,
    '554 5.7.9 Message not accepted for policy reasons. See https://postmaster.yahooinc.com/error-codes',
    'not_recipient',
  ],
  ['authentication required', 530, '530 5.7.0 Authentication required', 'not_recipient'],
  ['too many recipients', 552, '552 5.5.3 Too many recipients', 'not_recipient'],
  ['media not supported', 554, '554 5.6.0 Message contains invalid header', 'not_recipient'],
  [
    'message too long for the mailbox',
    552,
    '552 5.2.3 Message length exceeds administrative limit',
    'not_recipient',
  ],
  [
    'policy words win over address words',
    550,
    '550 Requested action not taken: mailbox unavailable (blocked by policy)',
    'not_recipient',
  ],
  ['spam without enhanced code', 554, '554 Message rejected as spam', 'not_recipient'],
  [
    'an address code that speaks of relaying is not believed',
    554,
    '554 5.1.1 <bob@example.com>: Relay access denied',
    'not_recipient',
  ],
  [
    'an address code that speaks of a blocklist is not believed',
    550,
    '550 5.1.1 Blocked by policy: your IP is listed',
    'not_recipient',
  ],
  [
    'a disabled mailbox refused for spam is not believed',
    550,
    '550 5.2.1 Message rejected as spam',
    'not_recipient',
  ],
];

describe('classifyRefusal', () => {
  it.each(cases)('%s', (_label, code, text, expected) => {
    expect(classifyRefusal(code, text)).toBe(expected);
  });

  it('covers every class with real wording', () => {
    const count = (kind: RefusalClass) => cases.filter((entry) => entry[3] === kind).length;
    expect([count('address'), count('temporary'), count('not_recipient')].every((n) => n >= 10)).toBe(true);
  });
});

describe('enhancedStatusOf', () => {
  it.each<[string, ReturnType<typeof enhancedStatusOf>]>([
    ['550 5.1.1 User unknown', { class: 5, subject: 1, detail: 1 }],
    ['550-5.7.26 Unauthenticated', { class: 5, subject: 7, detail: 26 }],
    ['556 5.1.10 null MX', { class: 5, subject: 1, detail: 10 }],
    ['Relay access denied (5.7.1)', { class: 5, subject: 7, detail: 1 }],
    ['550 Unrouteable address', null],
    ['550 blocked 192.0.2.10', null],
    ['550 seen from 5.1.1.4', null],
  ])('%s', (text, expected) => {
    expect(enhancedStatusOf(text)).toEqual(expected);
  });
});
