// Takes one message that came to the return-path domain: reads it (parse-report.ts), finds the email it
// is about (the VERP address, else the quoted X-Spoor-Send header, else the Message-ID), and records the
// outcome, all in one transaction with the report's own row. A report that cannot be read, is forged or
// names no email Spoor sent changes nothing and is kept, whole, for an administrator.
import type { Kysely } from 'kysely';
import type { BounceConfig } from '../../config.ts';
import { newId } from '../../lib/ids.ts';
import type { Seal } from '../../platform/seal.ts';
import type { Database, OutcomeKind, OutcomeSource, ReportVerdict } from '../../storage/schema.ts';
import { COMPLAINT_FEEDBACK_TYPES, classifyDsnRecipient } from './outcome-rules.ts';
import { type OriginalRefs, type ParsedReport, parseReport } from './parse-report.ts';
import { type OutcomeResult, recordOutcome } from './record-outcome.ts';
import { parseSendHeader } from './send-header.ts';
import { insertReport, recipientByMessageId, recipientFor } from './store.ts';
import { readUnsubscribeAddress } from './unsubscribe-address.ts';
import { readVerpAddress } from './verp.ts';

export interface ReportDeps {
  db: Kysely<Database>;
  seal: Pick<Seal, 'sealText' | 'openText'>;
  bounces: BounceConfig & { domain: string };
}

export interface Envelope {
  from: string | null;
  to: readonly string[];
}

/** ok: answer 250; retry: answer 451 (the email's own SMTP outcome is not recorded yet). */
export type TakeResult =
  | { answer: 'ok'; verdict: ReportVerdict; reason: string }
  | { answer: 'retry'; reason: string };

type Attribution =
  | { ok: true; sendId: string; contactId: string; via: string }
  | { ok: false; verdict: 'forged' | 'unmatched'; reason: string };

async function attribute(deps: ReportDeps, envelope: Envelope, original: OriginalRefs): Promise<Attribution> {
  let forged: string | null = null;
  for (const to of envelope.to) {
    const verp = readVerpAddress(deps.seal, deps.bounces.domain, to);
    if (verp.ok) return { ok: true, sendId: verp.sendId, contactId: verp.contactId, via: 'the return path' };
    if (verp.error === 'forged') forged = `the return path ${to.slice(0, 120)} is not one Spoor made`;
    // A complaint report sent to a List-Unsubscribe address (unsubscribe-mail.ts) names its email so.
    const unsubscribe = readUnsubscribeAddress(deps.seal, deps.bounces.domain, to);
    if (unsubscribe.ok)
      return {
        ok: true,
        sendId: unsubscribe.sendId,
        contactId: unsubscribe.contactId,
        via: 'the unsubscribe address',
      };
  }
  if (original.sendHeader) {
    const named = parseSendHeader({ seal: deps.seal }, original.sendHeader);
    if (named) return { ok: true, ...named, via: 'the quoted X-Spoor-Send header' };
    forged ??= 'the quoted X-Spoor-Send header is not one Spoor made';
  }
  if (original.messageId) {
    const found = await recipientByMessageId(deps.db, original.messageId);
    if (found)
      return { ok: true, sendId: found.send_id, contactId: found.contact_id, via: 'the quoted Message-ID' };
  }
  if (forged) return { ok: false, verdict: 'forged', reason: forged };
  return { ok: false, verdict: 'unmatched', reason: 'it names no email Spoor sent' };
}

interface Found {
  kind: OutcomeKind;
  category: string;
  status: string | null;
  detail: string | null;
  source: OutcomeSource;
}

/** The outcome a readable report means for its recipient; a reason when it means none. */
async function outcomeOf(
  deps: ReportDeps,
  report: Exclude<ParsedReport, { type: 'unparseable' }>,
  sendId: string,
  contactId: string,
): Promise<Found | string> {
  switch (report.type) {
    case 'dsn': {
      const recipient = await recipientFor(deps.db, sendId, contactId);
      const email = recipient?.email?.trim().toLowerCase() ?? null;
      // The block about this recipient; a report about one address (as every Spoor email has one) may
      // name it as the MTA rewrote it (an alias): then its only block is it.
      const block =
        report.recipients.find(
          (r) => email !== null && (r.finalRecipient === email || r.originalRecipient === email),
        ) ?? (report.recipients.length === 1 ? report.recipients[0] : undefined);
      if (!block) return 'the delivery report names none of the recipient’s addresses';
      const verdict = classifyDsnRecipient(block);
      if (!verdict)
        return block.action === 'delayed'
          ? 'a delay warning (Action: delayed) is not a bounce; the MTA keeps trying'
          : `Action: ${block.action.slice(0, 40)} is not a bounce`;
      return { ...verdict, detail: block.diagnostic ?? block.status, source: 'dsn' };
    }
    case 'arf':
      if (!COMPLAINT_FEEDBACK_TYPES.has(report.feedbackType))
        return `a ${report.feedbackType} report is no complaint by the recipient`;
      return {
        kind: 'complaint',
        category: 'complaint',
        status: report.feedbackType,
        detail: null,
        source: 'arf',
      };
    case 'auto_reply':
      return { kind: 'auto_reply', category: report.category, status: null, detail: null, source: 'reply' };
  }
}

export async function takeReport(
  deps: ReportDeps,
  raw: Buffer,
  envelope: Envelope,
  now = Date.now(),
): Promise<TakeResult> {
  const parsed = await parseReport(raw);
  const keep = async (verdict: ReportVerdict, reason: string, withRaw: boolean): Promise<TakeResult> => {
    await insertReport(deps.db, {
      id: newId(),
      received_at: now,
      source: 'smtp',
      verdict,
      reason: reason.slice(0, 500),
      envelope_from: envelope.from?.slice(0, 320) ?? null,
      envelope_to: envelope.to.join(', ').slice(0, 1000),
      size: raw.length,
      raw: withRaw ? raw.toString('utf8').replaceAll('\u0000', '') : null,
    });
    return { answer: 'ok', verdict, reason };
  };
  if (parsed.type === 'unparseable') return keep('unparseable', parsed.reason, true);
  const who = await attribute(deps, envelope, parsed.original);
  if (!who.ok) return keep(who.verdict, who.reason, true);
  const found = await outcomeOf(deps, parsed, who.sendId, who.contactId);
  if (typeof found === 'string') return keep('ignored', found, false);

  const reportId = newId();
  const result: OutcomeResult = await deps.db.transaction().execute(async (trx) => {
    const outcome = await recordOutcome(
      trx,
      { sendId: who.sendId, contactId: who.contactId, ...found, reportId, occurredAt: now },
      deps.bounces,
      now,
    );
    if (!outcome.recorded && outcome.why === 'in_flight') return outcome;
    const verdict: ReportVerdict = outcome.recorded
      ? 'recorded'
      : outcome.why === 'duplicate'
        ? 'duplicate'
        : 'unmatched';
    const reason = outcome.recorded
      ? `${found.kind} (${found.category}) by ${who.via}`
      : outcome.why === 'duplicate'
        ? 'recorded before'
        : 'it names an email that was never sent';
    await insertReport(trx, {
      id: reportId,
      received_at: now,
      source: 'smtp',
      verdict,
      reason,
      envelope_from: envelope.from?.slice(0, 320) ?? null,
      envelope_to: envelope.to.join(', ').slice(0, 1000),
      size: raw.length,
      raw: verdict === 'unmatched' ? raw.toString('utf8').replaceAll('\u0000', '') : null,
    });
    return outcome;
  });
  if (!result.recorded && result.why === 'in_flight')
    return { answer: 'retry', reason: 'the email is still being sent; try again later' };
  return result.recorded
    ? { answer: 'ok', verdict: 'recorded', reason: `${found.kind} (${found.category})` }
    : { answer: 'ok', verdict: result.why === 'duplicate' ? 'duplicate' : 'unmatched', reason: result.why };
}
