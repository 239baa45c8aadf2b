// Records the events of one verified webhook request, whichever provider sent it. Each event is
// attributed as decision 022 says (our X-Spoor-Send header when the provider echoes it, else our
// Message-ID) and only when the event's address is the one that email went to; then recorded once
// through recordOutcome. Events naming no email Spoor sent are kept as reports for an administrator.
// An event for an email still being sent makes the whole request answer 503, so the provider retries
// (what was recorded meanwhile dedupes on the retry).
import type { Config } from '../../config.ts';
import { AppError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import type { Seal } from '../../platform/seal.ts';
import type { Storage } from '../../storage/database.ts';
import { recordOutcome } from './record-outcome.ts';
import { parseSendHeader } from './send-header.ts';
import { insertReport, recipientByMessageId, recipientFor } from './store.ts';
import type { WebhookEvent } from './webhook-event.ts';

export type WebhookProvider = 'sendgrid' | 'ses' | 'mailgun' | 'postmark';
const NAMES: Record<WebhookProvider, string> = {
  sendgrid: 'SendGrid',
  ses: 'Amazon SNS',
  mailgun: 'Mailgun',
  postmark: 'Postmark',
};

export interface WebhookTally {
  recorded: number;
  duplicates: number;
  unmatched: number;
  ignored: number;
}

export interface WebhookDeps {
  storage: Storage;
  config: Config;
  seal: Pick<Seal, 'sealText' | 'openText'>;
}

type Attributed =
  | { ok: true; sendId: string; contactId: string }
  | { ok: false; verdict: 'forged' | 'unmatched'; reason: string };

async function attribute(deps: WebhookDeps, event: WebhookEvent): Promise<Attributed> {
  let forged = false;
  let named: { sendId: string; contactId: string } | null = null;
  if (event.sendHeader) {
    named = parseSendHeader({ seal: deps.seal }, event.sendHeader);
    forged = named === null;
  }
  if (!named && event.messageId) {
    const found = await recipientByMessageId(deps.storage.db, event.messageId);
    if (found) named = { sendId: found.send_id, contactId: found.contact_id };
  }
  if (!named)
    return forged
      ? { ok: false, verdict: 'forged', reason: 'its X-Spoor-Send header is not one Spoor made' }
      : { ok: false, verdict: 'unmatched', reason: 'the event names no email Spoor sent' };
  const recipient = await recipientFor(deps.storage.db, named.sendId, named.contactId);
  // The event's address must be the one the email went to: a header or Message-ID alone is not trusted further.
  if (!recipient || !event.email || recipient.email?.trim().toLowerCase() !== event.email)
    return {
      ok: false,
      verdict: 'unmatched',
      reason: 'the event’s address is not the one that email went to',
    };
  return { ok: true, ...named };
}

export async function recordWebhookEvents(
  deps: WebhookDeps,
  provider: WebhookProvider,
  events: readonly WebhookEvent[],
  raw: (event: WebhookEvent, index: number) => string,
): Promise<WebhookTally> {
  const { storage, config } = deps;
  const tally: WebhookTally = { recorded: 0, duplicates: 0, unmatched: 0, ignored: 0 };
  let inFlight = false;
  const now = Date.now();
  for (const [index, event] of events.entries()) {
    if (!event.outcome) {
      tally.ignored += 1;
      continue;
    }
    const who = await attribute(deps, event);
    if (!who.ok) {
      tally.unmatched += 1;
      await insertReport(storage.db, {
        id: newId(),
        received_at: now,
        source: provider,
        verdict: who.verdict,
        reason: who.reason,
        envelope_from: null,
        envelope_to: event.email,
        size: 0,
        raw: raw(event, index).slice(0, 20_000),
      });
      continue;
    }
    const outcome = event.outcome;
    const result = await storage.db.transaction().execute((trx) =>
      recordOutcome(
        trx,
        {
          sendId: who.sendId,
          contactId: who.contactId,
          ...outcome,
          source: 'webhook',
          reportId: null,
          occurredAt: now,
        },
        config.bounces,
        now,
      ),
    );
    if (result.recorded) tally.recorded += 1;
    else if (result.why === 'duplicate') tally.duplicates += 1;
    else if (result.why === 'in_flight') inFlight = true;
    else tally.unmatched += 1;
  }
  if (inFlight)
    throw new AppError(
      'unavailable',
      `An email these events name is still being sent; ${NAMES[provider]} will retry.`,
    );
  return tally;
}
