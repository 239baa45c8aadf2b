// What an SMTP attempt means for the recipient, and what happens to them next. Pure: the worker hands
// in nodemailer's result and records the plan.
//
// Only a reply about this recipient or this message (to RCPT TO or DATA) can say anything about the
// address, and only when it is about the address itself (smtp-refusal.ts): a refusal for the relay,
// the sender, the content or policy is never the recipient's fault and never suppresses. A connection
// that cannot be made or breaks is the sending side's problem: the recipient is tried again later.
// A connection that broke after the whole message was handed over may have delivered it, so it is
// never sent again (unconfirmed).

import type { RecipientStatus } from '../../storage/schema.ts';
import { classifyRefusal } from '../bounces/smtp-refusal.ts';
import { COUNTER } from '../counters/counter-names.ts';

/** The fields of a nodemailer error that matter here. */
export interface SmtpError {
  message: string;
  code?: string | undefined;
  responseCode?: number | undefined;
  response?: string | undefined;
  command?: string | undefined;
}

export type SmtpVerdict =
  /** 250 after the message: accepted for delivery. */
  | { kind: 'accepted'; response: string }
  /** 5xx to RCPT TO or the message about the address (5.1.1 …): it does not work (hard bounce). */
  | { kind: 'refused_permanently'; response: string }
  /** 4xx, a full mailbox or an unreadable 5xx: try again later (soft bounce after the last try). */
  | { kind: 'refused_temporarily'; response: string }
  /**
   * 5xx for a reason that is not the recipient's: relaying, the sender, login, content, policy,
   * security, the receiving system. Tried again like a temporary refusal, never suppressed; many in a
   * row pause the send until an operator resumes it (the relay needs fixing, not the list).
   */
  | { kind: 'refused_by_policy'; response: string }
  /** The message never got to the server (connection, TLS, a 4xx to the session): try again, no bounce. */
  | { kind: 'not_reached'; response: string }
  /** The connection broke after the whole message was handed over: it may have been delivered. */
  | { kind: 'uncertain'; response: string };

const RECIPIENT_COMMANDS = new Set(['RCPT TO', 'DATA']);

/**
 * `messageHandedOver`: the whole message had been given to the connection when the error came; without
 * a reply from the server, the server may have taken it.
 */
export function classifySmtpError(error: SmtpError, messageHandedOver: boolean): SmtpVerdict {
  const response = (error.response ?? error.message).slice(0, 500);
  const code = error.responseCode;
  if (code !== undefined && code >= 400 && code < 600) {
    // A reply was received, so the message was not taken: retrying cannot make a second copy.
    const aboutRecipient =
      RECIPIENT_COMMANDS.has(error.command ?? '') ||
      (error.code === 'EMESSAGE' && error.command !== 'MAIL FROM');
    // 503 is a bad command sequence (the session, not the message); 421 is the server going away.
    if (code === 503 || code === 421) return { kind: 'not_reached', response };
    if (!aboutRecipient)
      // A 5xx to the greeting, login, STARTTLS or MAIL FROM refuses the sending side for good until
      // someone fixes the settings: counted towards pausing the send. A 4xx there only waits.
      return code >= 500 ? { kind: 'refused_by_policy', response } : { kind: 'not_reached', response };
    switch (classifyRefusal(code, response)) {
      case 'address':
        return { kind: 'refused_permanently', response };
      case 'not_recipient':
        return { kind: 'refused_by_policy', response };
      case 'temporary':
        return { kind: 'refused_temporarily', response };
    }
  }
  // nodemailer checked the address itself and refused it before talking to the server.
  if (error.code === 'EENVELOPE' && error.command === 'API' && /recipient/i.test(error.message))
    return { kind: 'refused_permanently', response };
  return messageHandedOver ? { kind: 'uncertain', response } : { kind: 'not_reached', response };
}

export interface RecipientPlan {
  status: RecipientStatus;
  attempts: number;
  nextAttemptAt: number;
  lastResponse: string;
  /** Counter deltas (src/email/counters). */
  counters: Map<string, number>;
  /** The refusal was of the address itself (a hard bounce); how long it is suppressed is src/email/suppression's rule. */
  suppress: boolean;
}

export interface RetryPolicy {
  retryBaseMs: number;
  maxAttempts: number;
}

/** The recipient's row after an attempt that had `attemptsBefore` earlier tries. */
export function planAfterAttempt(
  verdict: SmtpVerdict,
  attemptsBefore: number,
  policy: RetryPolicy,
  now: number,
): RecipientPlan {
  const counted = (...names: string[]) => new Map(names.map((name) => [name, 1]));
  const base = { lastResponse: verdict.response, suppress: false, nextAttemptAt: now };
  switch (verdict.kind) {
    case 'accepted':
      return {
        ...base,
        status: 'sent',
        attempts: attemptsBefore + 1,
        counters: counted(COUNTER.sent, COUNTER.accepted),
      };
    case 'refused_permanently':
      return {
        ...base,
        status: 'hard_bounce',
        attempts: attemptsBefore + 1,
        counters: counted(COUNTER.sent, COUNTER.hardBounces),
        suppress: true,
      };
    // A refusal that is not the recipient's is retried the same way (a blocklist entry or a content
    // filter may be lifted) and ends, after the last try, as a soft bounce: not delivered, never
    // suppressed. A relay refusing everyone pauses the send long before (deliver-send.ts).
    case 'refused_temporarily':
    case 'refused_by_policy': {
      const attempts = attemptsBefore + 1;
      if (attempts >= policy.maxAttempts)
        return {
          ...base,
          status: 'soft_bounce',
          attempts,
          counters: counted(
            COUNTER.sent,
            COUNTER.softBounces,
            ...(verdict.kind === 'refused_by_policy' ? [COUNTER.policyRefusals] : []),
          ),
        };
      return {
        ...base,
        status: 'pending',
        attempts,
        nextAttemptAt: now + retryDelayMs(policy.retryBaseMs, attempts),
        counters: counted(verdict.kind === 'refused_by_policy' ? COUNTER.policyRefusals : COUNTER.deferrals),
      };
    }
    case 'not_reached':
      // Not the recipient's try: the worker pauses the whole send instead (see pauseAfterUnreached).
      return { ...base, status: 'pending', attempts: attemptsBefore, counters: new Map() };
    case 'uncertain':
      return {
        ...base,
        status: 'unconfirmed',
        attempts: attemptsBefore + 1,
        counters: counted(COUNTER.sent, COUNTER.unconfirmed),
      };
  }
}

/** Delay before try `attempts + 1`, after `attempts` temporary refusals: base, 2·base, 4·base … */
export function retryDelayMs(retryBaseMs: number, attempts: number): number {
  return retryBaseMs * 2 ** Math.max(0, attempts - 1);
}

/**
 * How long a node waits before sending again after the server could not be reached `failures` times
 * in a row: the same doubling, capped at the delay before the last try of a recipient.
 */
export function pauseAfterUnreached(policy: RetryPolicy, failures: number): number {
  return retryDelayMs(policy.retryBaseMs, Math.min(failures, policy.maxAttempts));
}
