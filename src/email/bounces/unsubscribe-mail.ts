// Takes a message sent to a List-Unsubscribe mail address (u+<sealed>@<bounce domain>): unless it is a
// robot's answer to another message (unsubscribe-mail-rules.ts), the contact the address names leaves
// the send's lists through the engagement writer, the same hit the one-click link makes: attributed to
// the send, counted at most once per message and recipient, each ended membership a consent event
// (source `unsubscribe_mail`), the email event an interaction. Answered only once that is committed.
// An ARF report sent there (a provider's "report spam and unsubscribe") is a complaint too.
// Nothing of the message is kept: its sender is the person, and a stored address that names no contact
// could not be found by an erasure.
import type { EngagementHit, HitOutcome } from '../engagement/engagement-hit.ts';
import { headerFieldsOf } from './report-fields.ts';
import { type Envelope, type ReportDeps, takeReport } from './take-report.ts';
import { readUnsubscribeAddress } from './unsubscribe-address.ts';
import { judgeUnsubscribeMail } from './unsubscribe-mail-rules.ts';

export interface UnsubscribeMailDeps extends ReportDeps {
  /** The install's keyed hash (recipient keys and source hashes, as the HTTP endpoints make them). */
  hash: (...parts: string[]) => string;
  /** The engagement writer's record (engagement-writer.ts): resolves once the hit is committed. */
  record: (hit: EngagementHit) => Promise<HitOutcome>;
}

/** 250 (`ok`), 550 (`refuse`: nothing Spoor knows to unsubscribe) or 451 (`retry`). */
export type UnsubscribeMailResult = { answer: 'ok' | 'refuse' | 'retry'; reason: string };

/** What the consent events say made the change (lists/store.ts). */
export const UNSUBSCRIBE_MAIL_SOURCE = 'unsubscribe_mail';

export async function takeUnsubscribeMail(
  deps: UnsubscribeMailDeps,
  raw: Buffer,
  envelope: Envelope & { remoteAddress: string },
  now = Date.now(),
): Promise<UnsubscribeMailResult> {
  const verdict = judgeUnsubscribeMail(headerFieldsOf(raw.subarray(0, 64_000).toString('utf8')));
  if (!verdict.request)
    return { answer: 'ok', reason: `not an unsubscribe request (${verdict.reason}); nothing was changed` };
  let unsubscribed = 0;
  for (const to of envelope.to) {
    const named = readUnsubscribeAddress(deps.seal, deps.bounces.domain, to);
    // The receiver refused every other address at RCPT.
    if (!named.ok) continue;
    const outcome = await deps.record({
      kind: 'unsubscribe',
      sendId: named.sendId,
      contactId: named.contactId,
      recipientKey: deps.hash(named.sendId, named.contactId),
      position: 0,
      honeypot: false,
      method: 'MAIL',
      userAgent: null,
      network: null,
      sourceHash: deps.hash(envelope.remoteAddress),
      visitorCookie: null,
      at: now,
      unsubscribe: { source: UNSUBSCRIBE_MAIL_SOURCE, wordingVersion: null },
    });
    if (outcome.recorded) unsubscribed += 1;
  }
  if (unsubscribed === 0)
    return {
      answer: 'refuse',
      reason: 'this unsubscribe address names an email Spoor no longer has; nothing was changed',
    };
  if (verdict.complaint) {
    const report = await takeReport(deps, raw, envelope, now);
    if (report.answer === 'retry') return { answer: 'retry', reason: report.reason };
    return {
      answer: 'ok',
      reason: `unsubscribed; the complaint report: ${report.verdict} (${report.reason})`,
    };
  }
  return { answer: 'ok', reason: 'unsubscribed' };
}
