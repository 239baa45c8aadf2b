import { describe, expect, it } from 'vitest';
import { COUNTER } from '../counters/counter-names.ts';
import {
  classifySmtpError,
  pauseAfterUnreached,
  planAfterAttempt,
  type SmtpError,
  type SmtpVerdict,
} from './smtp-outcome.ts';

// Shapes as nodemailer 10 builds them (smtp-connection _formatError).
const rcpt = (code: number, text = 'nope'): SmtpError => ({
  message: `Can't send mail - all recipients were rejected: ${code} ${text}`,
  code: 'EENVELOPE',
  responseCode: code,
  response: `${code} ${text}`,
  command: 'RCPT TO',
});

describe('classifySmtpError', () => {
  it.each<[string, SmtpError, boolean, SmtpVerdict['kind']]>([
    ['550 5.1.1 to RCPT TO', rcpt(550, '5.1.1 <a@b.example>: User unknown'), false, 'refused_permanently'],
    ['551 user not local', rcpt(551, '5.1.6 User has moved'), false, 'refused_permanently'],
    [
      '554 5.7.1 relay access denied',
      rcpt(554, '5.7.1 <a@b.example>: Relay access denied'),
      false,
      'refused_by_policy',
    ],
    ['552 5.2.2 mailbox full', rcpt(552, '5.2.2 Mailbox full'), false, 'refused_temporarily'],
    ['550 with nothing to read', rcpt(550), false, 'refused_temporarily'],
    ['450 to RCPT TO', rcpt(450), false, 'refused_temporarily'],
    ['452 to RCPT TO', rcpt(452), false, 'refused_temporarily'],
    ['421 to RCPT TO (server going away)', rcpt(421), false, 'not_reached'],
    ['503 to RCPT TO (bad sequence)', rcpt(503), false, 'not_reached'],
    [
      '554 after the message',
      {
        message: 'Message failed',
        code: 'EMESSAGE',
        responseCode: 550,
        response: '550 5.7.1 Message content rejected',
        command: 'DATA',
      },
      true,
      'refused_by_policy',
    ],
    [
      '451 after the message',
      {
        message: 'Message failed',
        code: 'EMESSAGE',
        responseCode: 451,
        response: '451 later',
        command: 'DATA',
      },
      true,
      'refused_temporarily',
    ],
    [
      '554 to the DATA command',
      {
        message: 'Data command failed',
        code: 'EENVELOPE',
        responseCode: 554,
        response: '554 5.1.1 <a@b.example>: Recipient address rejected',
        command: 'DATA',
      },
      false,
      'refused_permanently',
    ],
    [
      '550 to MAIL FROM: the sender, not the recipient',
      { message: 'Mail command failed', code: 'EENVELOPE', responseCode: 550, command: 'MAIL FROM' },
      false,
      'refused_by_policy',
    ],
    [
      '451 to MAIL FROM: wait',
      { message: 'Mail command failed', code: 'EENVELOPE', responseCode: 451, command: 'MAIL FROM' },
      false,
      'not_reached',
    ],
    [
      '535 failed login',
      { message: 'Invalid login', code: 'EAUTH', responseCode: 535, command: 'AUTH PLAIN' },
      false,
      'refused_by_policy',
    ],
    [
      'connection refused',
      { message: 'connect ECONNREFUSED 127.0.0.1:1', code: 'ESOCKET', command: 'CONN' },
      false,
      'not_reached',
    ],
    [
      'TLS failure',
      { message: 'self-signed certificate', code: 'ETLS', command: 'CONN' },
      false,
      'not_reached',
    ],
    [
      'connection dropped during the envelope',
      { message: 'Connection closed unexpectedly', code: 'ECONNECTION', command: 'CONN' },
      false,
      'not_reached',
    ],
    [
      'connection dropped after the whole message',
      { message: 'Connection closed unexpectedly', code: 'ECONNECTION', command: 'CONN' },
      true,
      'uncertain',
    ],
    [
      'timeout waiting for the reply to the message',
      { message: 'Timeout', code: 'ETIMEDOUT', command: 'CONN' },
      true,
      'uncertain',
    ],
    [
      'an address nodemailer refuses itself',
      { message: 'Invalid recipient "a b@"', code: 'EENVELOPE', command: 'API' },
      false,
      'refused_permanently',
    ],
  ])('%s', (_label, error, handedOver, kind) => {
    expect(classifySmtpError(error, handedOver).kind).toBe(kind);
  });
});

describe('planAfterAttempt', () => {
  const policy = { retryBaseMs: 1000, maxAttempts: 3 };
  const now = 1_000_000;
  const counters = (plan: ReturnType<typeof planAfterAttempt>) => Object.fromEntries(plan.counters);

  it.each<[string, SmtpVerdict['kind'], number, Partial<ReturnType<typeof planAfterAttempt>>, object]>([
    [
      'accepted',
      'accepted',
      0,
      { status: 'sent', attempts: 1 },
      { [COUNTER.sent]: 1, [COUNTER.accepted]: 1 },
    ],
    [
      'hard bounce suppresses',
      'refused_permanently',
      0,
      { status: 'hard_bounce', suppress: true },
      { [COUNTER.sent]: 1, [COUNTER.hardBounces]: 1 },
    ],
    [
      'first deferral waits the base delay',
      'refused_temporarily',
      0,
      { status: 'pending', attempts: 1, nextAttemptAt: now + 1000 },
      { [COUNTER.deferrals]: 1 },
    ],
    [
      'second deferral waits twice as long',
      'refused_temporarily',
      1,
      { status: 'pending', attempts: 2, nextAttemptAt: now + 2000 },
      { [COUNTER.deferrals]: 1 },
    ],
    [
      'the last try turns into a soft bounce',
      'refused_temporarily',
      2,
      { status: 'soft_bounce', attempts: 3, suppress: false },
      { [COUNTER.sent]: 1, [COUNTER.softBounces]: 1 },
    ],
    [
      'a refusal not the recipient’s is retried, never suppressed',
      'refused_by_policy',
      0,
      { status: 'pending', attempts: 1, nextAttemptAt: now + 1000, suppress: false },
      { [COUNTER.policyRefusals]: 1 },
    ],
    [
      'and after the last try is a soft bounce, still not suppressed',
      'refused_by_policy',
      2,
      { status: 'soft_bounce', attempts: 3, suppress: false },
      { [COUNTER.sent]: 1, [COUNTER.softBounces]: 1, [COUNTER.policyRefusals]: 1 },
    ],
    ['not reached: no try counted, no counter', 'not_reached', 2, { status: 'pending', attempts: 2 }, {}],
    [
      'uncertain: never again',
      'uncertain',
      0,
      { status: 'unconfirmed' },
      { [COUNTER.sent]: 1, [COUNTER.unconfirmed]: 1 },
    ],
  ])('%s', (_label, kind, attemptsBefore, expected, expectedCounters) => {
    const plan = planAfterAttempt({ kind, response: 'r' }, attemptsBefore, policy, now);
    expect(plan).toMatchObject(expected);
    expect(counters(plan)).toEqual(expectedCounters);
  });

  it('pauses a node longer after each unreached try, up to the last retry delay', () => {
    expect([1, 2, 3, 4, 9].map((n) => pauseAfterUnreached(policy, n))).toEqual([
      1000, 2000, 4000, 4000, 4000,
    ]);
  });
});
