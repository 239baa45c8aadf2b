// Sending a prepared send: recipients due are claimed as 'sending' (committed) before they are handed
// to SMTP, at most one per SMTP connection at a time, so a crash leaves at most that many unconfirmed.
// Each outcome is recorded as it arrives, together with the next claim, in one transaction. When the
// relay refuses recipient after recipient for reasons not theirs, the send pauses instead of burning
// through the list: a misconfigured relay must never turn a whole list into bounces.
import type { Config } from '../../config.ts';
import type { Logger } from '../../lib/logger.ts';
import { recordInteractions } from '../../platform/interactions/store.ts';
import { countSmtpOutcome } from '../../platform/metrics/metrics.ts';
import type { InstallSecrets } from '../../secrets/install-secrets.ts';
import type { Engine, Storage } from '../../storage/database.ts';
import { smtpTimeOutcome } from '../bounces/outcome-rules.ts';
import { recordOutcome } from '../bounces/record-outcome.ts';
import { messageIdFor, sendHeaderValue } from '../bounces/send-header.ts';
import { unsubscribeMailto } from '../bounces/unsubscribe-address.ts';
import { verpAddress } from '../bounces/verp.ts';
import { COUNTER, domainFigureOf, domainOf } from '../counters/counter-names.ts';
import { addToCounters } from '../counters/store.ts';
import { trackingUrlsFor } from '../engagement/tracking-urls.ts';
import { mergeContactOf } from '../messages/merge-contact.ts';
import { type PreparedMessage, prepareMessage } from '../messages/render-email.ts';
import { type BulkIdentity, composeEmail, senderOf } from './compose-email.ts';
import { blockReasonOf } from './permission-rules.ts';
import { listIdsOf, snapshotOf } from './prepare-send.ts';
import { DELIVERY_SOURCE, deliveryItemId } from './send-interactions.ts';
import { pauseAfterUnreached, planAfterAttempt, type SmtpVerdict } from './smtp-outcome.ts';
import {
  advanceStatus,
  type ContactRow,
  claimDue,
  contactsWithMemberships,
  type DueRecipient,
  FEED_STATUSES,
  markBlocked,
  openRecipients,
  recordAttempts,
  recordLastError,
  recordRefusalStreak,
  type SendRow,
  stillWorking,
  suppressedAmong,
} from './store.ts';
import type { MailTransport } from './transport.ts';

export interface DeliveryContext {
  storage: Storage;
  config: Config;
  secrets: InstallSecrets;
  log: Logger;
  transport: MailTransport;
  owner: string;
  shouldStop: () => boolean;
  /** Shared by the node's sends: the SMTP server is the same for all of them. */
  unreached: { failures: number; pausedUntil: number };
}

/** 'done'; or come back no earlier than `notBefore` (retries not yet due, server unreachable, stopped). */
export type DeliveryResult = { done: true } | { done: false; notBefore: number };

interface Claimed {
  recipient: DueRecipient & { email: string };
  contact: ContactRow;
}

interface Finished {
  claimed: Claimed;
  verdict: SmtpVerdict;
  messageId: string;
}

type Db = Parameters<typeof addToCounters>[0];

export async function deliverSend(context: DeliveryContext, send: SendRow): Promise<DeliveryResult> {
  const { storage, config, owner } = context;
  const prepared = prepareMessage(snapshotOf(send));
  // The same for every recipient of the send: worked out once, not per email.
  const bulk: BulkIdentity = {
    sendId: send.id,
    messageId: send.message_id,
    listId: listIdsOf(send)[0] ?? null,
    host: new URL(config.publicUrl).hostname,
  };
  const window = config.smtp.pool;
  const inFlight = new Set<Promise<void>>();
  let finished: Finished[] = [];
  let active = true;
  let wake: () => void = () => {};
  // This node holds the send's lease, so its count is the send's; stored as it changes (other nodes).
  const refusals = { streak: Number(send.refusal_streak) };

  for (;;) {
    const now = Date.now();
    const canClaim: boolean = active && !context.shouldStop() && now >= context.unreached.pausedUntil;
    const free: number = canClaim ? window - inFlight.size : 0;
    const batch = finished;
    finished = [];
    const claim: { claimed: Claimed[]; active: boolean } = await storage.db
      .transaction()
      .execute(async (trx) => {
        // Once this pass paused the send it claims no more, even if someone resumes it meanwhile:
        // the next pass starts from the stored state (a fresh count of refusals).
        if (await recordFinished(trx, context, send, batch, now, refusals))
          return { claimed: [], active: false };
        if (free <= 0) return { claimed: [], active };
        return claimRecipients(trx, storage.engine, send, owner, now, free);
      });
    active = claim.active;
    for (const claimed of claim.claimed) {
      const attempt = attemptOne(context, send, prepared, bulk, claimed).then((done) => {
        inFlight.delete(attempt);
        finished.push(done);
        wake();
      });
      inFlight.add(attempt);
    }

    if (inFlight.size === 0 && finished.length === 0 && claim.claimed.length === 0) {
      if (!active || context.shouldStop()) return { done: false, notBefore: Date.now() };
      if (context.unreached.pausedUntil > Date.now())
        return { done: false, notBefore: context.unreached.pausedUntil };
      const { open, nextDue } = await openRecipients(storage.db, send.id);
      if (open > 0) return { done: false, notBefore: nextDue ?? Date.now() };
      await advanceStatus(storage.db, send.id, owner, 'sending', 'done', Date.now());
      return { done: true };
    }
    // Outcomes are recorded, and as many recipients claimed, a group at a time: each transaction is a
    // commit (on SQLite an fsync that holds the event loop 1 ms or more), so one per answer would cost
    // more than the email. Half the window waits for the other half to finish (decision 029).
    const gather = active && !context.shouldStop() ? Math.ceil(window / 2) : 1;
    if (inFlight.size > 0 && finished.length < gather) {
      while (inFlight.size > 0 && finished.length < gather)
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      // Let answers arriving together be recorded in one transaction.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}

/**
 * Claims up to `limit` due recipients and re-checks their permission (a big send runs for hours): those
 * refused are blocked in the same transaction, so a claim never shows. Three statements for the batch.
 */
async function claimRecipients(
  trx: Db,
  engine: Engine,
  send: SendRow,
  owner: string,
  now: number,
  limit: number,
): Promise<{ claimed: Claimed[]; active: boolean }> {
  const due = await claimDue(trx, engine, send.id, owner, now, limit);
  if (due.length === 0) return { claimed: [], active: await stillWorking(trx, send.id, owner, 'sending') };
  const contacts = await contactsWithMemberships(
    trx,
    listIdsOf(send),
    due.map((recipient) => recipient.contact_id),
  );
  const suppressed = await suppressedAmong(
    trx,
    due.flatMap((recipient) => (recipient.email ? [recipient.email] : [])),
  );
  const claimed: Claimed[] = [];
  const blocked = new Map<string, number>();
  for (const recipient of due) {
    const contact = contacts.get(recipient.contact_id);
    const reason = contact
      ? blockReasonOf({
          memberships: contact.memberships,
          subscribed: contact.subscribed,
          doNotEmail: contact.do_not_email === 1,
          email: recipient.email,
          suppressed: recipient.email !== null && suppressed.has(recipient.email.toLowerCase()),
        })
      : 'no_address';
    if (reason === null && contact && recipient.email) {
      claimed.push({ recipient: { ...recipient, email: recipient.email }, contact });
    } else if (await markBlocked(trx, send.id, recipient.contact_id, reason ?? 'no_address')) {
      const names = [COUNTER.blocked(reason ?? 'no_address')];
      const domain = domainOf(recipient.email);
      if (domain) names.push(COUNTER.domain(domain, 'blocked'));
      for (const name of names) blocked.set(name, (blocked.get(name) ?? 0) + 1);
    }
  }
  await addToCounters(trx, send.id, blocked);
  return { claimed, active: true };
}

async function attemptOne(
  context: DeliveryContext,
  send: SendRow,
  prepared: PreparedMessage,
  bulk: BulkIdentity,
  claimed: Claimed,
): Promise<Finished> {
  const { config, secrets } = context;
  const contactId = claimed.recipient.contact_id;
  const messageId = messageIdFor(secrets, config.publicUrl, send.id, contactId);
  let verdict: SmtpVerdict;
  try {
    const urls = trackingUrlsFor(config.publicUrl, secrets.signer, send.id, contactId);
    const rendered = prepared.render(mergeContactOf(claimed.contact), urls);
    verdict = await context.transport.deliver(
      composeEmail({
        to: claimed.recipient.email,
        from: senderOf(send, config.emailFrom),
        replyTo: send.reply_to,
        rendered,
        urls,
        messageId,
        sendHeader: sendHeaderValue(secrets, send.id, contactId),
        returnPath: config.bounces.domain
          ? verpAddress(secrets.seal, config.bounces.domain, send.id, contactId)
          : undefined,
        unsubscribeMailto: config.bounces.domain
          ? unsubscribeMailto(secrets.seal, config.bounces.domain, send.id, contactId)
          : undefined,
        bulk,
      }),
    );
  } catch (error) {
    // Rendering failed for this contact (a merge value the template cannot take): nothing was sent.
    verdict = {
      kind: 'refused_temporarily',
      response: `not sent: ${(error as Error).message}`.slice(0, 500),
    };
  }
  return { claimed, verdict, messageId };
}

/** Records a batch of outcomes; true when it paused the send. */
async function recordFinished(
  trx: Db,
  context: DeliveryContext,
  send: SendRow,
  batch: Finished[],
  now: number,
  refusals: { streak: number },
): Promise<boolean> {
  const policy = { retryBaseMs: context.config.smtpRetryBaseMs, maxAttempts: context.config.smtpMaxAttempts };
  const counters = new Map<string, number>();
  const streakBefore = refusals.streak;
  let lastRefusal = '';
  const server = `${context.config.smtp.host}:${context.config.smtp.port}`;
  let lastError = '';
  // Emails sent (or bounced when attempted): the contacts' interactions, logged with the outcomes.
  const sentItems: string[] = [];
  const planned: (Finished & { plan: ReturnType<typeof planAfterAttempt> })[] = [];
  for (const finished of batch) {
    const { claimed, verdict } = finished;
    countSmtpOutcome(verdict.kind);
    if (verdict.kind === 'not_reached') {
      context.unreached.failures += 1;
      const pauseMs = pauseAfterUnreached(policy, context.unreached.failures);
      context.unreached.pausedUntil = now + pauseMs;
      lastError = `The SMTP server ${server} could not be reached: ${verdict.response}`;
      // Operators need to see this (nothing is bounced, the send just waits for the server); once per
      // doubling of the failures, so a long outage does not flood the log.
      const failures = context.unreached.failures;
      if ((failures & (failures - 1)) === 0)
        context.log.error(
          {
            send: send.id,
            smtpServer: server,
            response: verdict.response,
            failures,
            retryInSeconds: Math.round(pauseMs / 1000),
          },
          `send ${send.id}: the SMTP server ${server} could not be reached (${verdict.response}); recipients stay pending, retrying in ${Math.round(pauseMs / 1000)} s (failure ${failures})`,
        );
    } else {
      context.unreached.failures = 0;
      if (verdict.kind === 'refused_by_policy')
        lastError = `The SMTP server ${server} refused: ${verdict.response}`;
    }
    planned.push({ ...finished, plan: planAfterAttempt(verdict, claimed.recipient.attempts, policy, now) });
  }
  // One statement for the batch's outcomes (a statement per recipient was a third of the send's time).
  const recorded = await recordAttempts(
    trx,
    send.id,
    planned.map(({ claimed, plan, messageId }) => ({
      contact_id: claimed.recipient.contact_id,
      status: plan.status,
      attempts: plan.attempts,
      next_attempt_at: plan.nextAttemptAt,
      last_response: plan.lastResponse,
      sent_at: plan.status === 'sent' ? now : null,
      smtp_message_id: messageId,
    })),
  );
  for (const { claimed, verdict, plan } of planned) {
    // Not recorded: another node declared it unconfirmed after this one lost the send.
    if (!recorded.has(claimed.recipient.contact_id)) continue;
    if ((FEED_STATUSES as readonly string[]).includes(plan.status))
      sentItems.push(deliveryItemId(send.id, claimed.recipient.contact_id));
    const domain = domainOf(claimed.recipient.email);
    for (const [name, delta] of plan.counters) {
      counters.set(name, (counters.get(name) ?? 0) + delta);
      // Results by recipient domain, counted here once per outcome rather than on any hot path.
      const figure = domain ? domainFigureOf(name) : undefined;
      if (figure) {
        const perDomain = COUNTER.domain(domain as string, figure);
        counters.set(perDomain, (counters.get(perDomain) ?? 0) + delta);
      }
    }
    // A bounce at SMTP time is an outcome like a late one (src/email/bounces): recorded once, in the
    // interaction feed, and onto the suppression list by the graduated rules.
    if (
      (plan.status === 'hard_bounce' || plan.status === 'soft_bounce') &&
      (verdict.kind === 'refused_permanently' ||
        verdict.kind === 'refused_temporarily' ||
        verdict.kind === 'refused_by_policy')
    ) {
      const outcome = smtpTimeOutcome(verdict.kind, verdict.response);
      await recordOutcome(
        trx,
        {
          sendId: send.id,
          contactId: claimed.recipient.contact_id,
          ...outcome,
          detail: plan.lastResponse,
          source: 'smtp',
          reportId: null,
          occurredAt: now,
        },
        context.config.bounces,
        now,
      );
    }
    // Recipient after recipient: only first tries count (one recipient refused on every retry is
    // that recipient's domain, not the relay). A reply about an address (accepted, or refused as
    // unknown) shows the relay works; temporary refusals and unreachable servers say nothing.
    if (verdict.kind === 'refused_by_policy') {
      if (claimed.recipient.attempts === 0) refusals.streak += 1;
      lastRefusal = verdict.response;
    } else if (verdict.kind === 'accepted' || verdict.kind === 'refused_permanently') {
      refusals.streak = 0;
    }
  }
  await addToCounters(trx, send.id, counters);
  // One insert for the batch, in the transaction that records its outcomes (the interaction feed).
  await recordInteractions(trx, DELIVERY_SOURCE, sentItems);
  const limit = context.config.smtpPauseAfterRefusals;
  const pause = refusals.streak >= limit && streakBefore < limit;
  if (refusals.streak !== streakBefore) {
    const error = pause ? pauseErrorFor(refusals.streak, lastRefusal) : null;
    await recordRefusalStreak(trx, send.id, refusals.streak, error);
    if (error) context.log.error({ send: send.id }, `send ${send.id}: paused: ${error}`);
  }
  // Shown on GET /api/sends/{id}: a failing server is visible there, not only in the log.
  if (lastError) await recordLastError(trx, send.id, lastError.slice(0, 1000), now);
  return pause;
}

/** What GET /api/sends/{id} shows for a send paused by refusals. */
export function pauseErrorFor(streak: number, response: string): string {
  const reply = response.replace(/\s+/g, ' ').trim().replace(/\.$/, '');
  return `The relay refused ${streak} recipients in a row for a reason that is not theirs: ${reply}. Fix the relay settings, then resume the send.`;
}
