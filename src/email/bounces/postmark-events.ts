// Postmark's bounce and spam-complaint webhooks. Postmark signs nothing: it documents HTTP Basic
// authentication in the webhook URL (and a firewall on its published IPs, which "can change for each
// attempt"), so the credentials are the proof, compared in constant time. Each record's bounce Type
// (with TypeCode when Type is absent) decides the outcome. Postmark's MessageID is Postmark's own, so
// the email is named by our X-Spoor-Send header (in Metadata, or quoted in the bounce's Content when
// the webhook includes it) or by our Message-ID quoted in that Content.
import { sameSecret } from '../../lib/same-secret.ts';
import { type Category, categoryByWords } from './outcome-rules.ts';
import { parseReport } from './parse-report.ts';
import {
  address,
  type Fields,
  ignore,
  textOf,
  type WebhookEvent,
  type WebhookOutcome,
} from './webhook-event.ts';

/** True when the Authorization header carries exactly these Basic credentials. */
export function basicAuthMatches(header: string | undefined, user: string, password: string): boolean {
  const match = /^Basic\s+([A-Za-z0-9+/=]{1,1000})\s*$/i.exec(header ?? '');
  const given = match ? Buffer.from(match[1] as string, 'base64').toString('utf8') : '';
  return sameSecret(given, `${user}:${password}`) && match !== null;
}

type Mapped = [WebhookOutcome['kind'], Category] | string;

/** Postmark's bounce types (postmark.js BounceType / BounceTypeCode) and what each means here. */
export const POSTMARK_TYPES: Record<string, { code: number; means: Mapped }> = {
  HardBounce: { code: 1, means: ['hard_bounce', 'invalid-mailbox'] },
  Transient: { code: 2, means: ['soft_bounce', 'other'] },
  Unsubscribe: { code: 16, means: 'an unsubscribe request by email is no bounce' },
  Subscribe: { code: 32, means: 'a subscribe request by email is no bounce' },
  AutoResponder: { code: 64, means: ['auto_reply', 'auto-reply'] },
  AddressChange: { code: 128, means: ['auto_reply', 'auto-reply'] },
  DnsError: { code: 256, means: ['soft_bounce', 'routing-issues'] },
  SpamNotification: { code: 512, means: ['blocked', 'policy-related'] },
  OpenRelayTest: { code: 1024, means: 'an open relay test is no bounce' },
  Unknown: { code: 2048, means: ['soft_bounce', 'other'] },
  SoftBounce: { code: 4096, means: ['soft_bounce', 'other'] },
  VirusNotification: { code: 8192, means: ['blocked', 'policy-related'] },
  ChallengeVerification: { code: 16384, means: ['auto_reply', 'challenge-response'] },
  BadEmailAddress: { code: 100000, means: ['hard_bounce', 'invalid-mailbox'] },
  SpamComplaint: { code: 100001, means: ['complaint', 'complaint'] },
  ManuallyDeactivated: { code: 100002, means: ['blocked', 'suppression-list'] },
  Unconfirmed: { code: 100003, means: ['blocked', 'policy-related'] },
  Blocked: { code: 100006, means: ['blocked', 'policy-related'] },
  SMTPApiError: { code: 100007, means: ['blocked', 'other'] },
  InboundError: { code: 100008, means: 'an inbound processing error is about received mail' },
  DMARCPolicy: { code: 100009, means: ['blocked', 'dmarc-issues'] },
  TemplateRenderingFailed: { code: 100010, means: ['blocked', 'other'] },
};
const BY_CODE = new Map(Object.entries(POSTMARK_TYPES).map(([name, { code }]) => [code, name]));

/** A record's type (by name, else by code) into an outcome, or the reason it brings none. */
export function postmarkOutcome(
  recordType: string | null,
  type: string | null,
  typeCode: number | null,
  details: string | null,
): WebhookOutcome | string {
  // Older payloads carry no RecordType: the type says which record it is.
  const record = recordType ?? (type === 'SpamComplaint' ? 'SpamComplaint' : type ? 'Bounce' : null);
  if (record === 'SpamComplaint')
    return { kind: 'complaint', category: 'complaint', status: 'abuse', detail: details };
  if (record !== 'Bounce') return `a ${record ?? 'untyped'} record is no bounce or complaint`;
  const name = type && POSTMARK_TYPES[type] ? type : typeCode !== null ? BY_CODE.get(typeCode) : undefined;
  const means = name ? POSTMARK_TYPES[name]?.means : undefined;
  if (!means) return `an unknown bounce type (${String(type ?? typeCode).slice(0, 40)}) records nothing`;
  if (typeof means === 'string') return means;
  const [kind, fallback] = means;
  // The words refine a soft or blocked category (a full mailbox, a blocklist); never the kind.
  const refined = kind === 'soft_bounce' || kind === 'blocked' ? categoryByWords(details ?? '') : null;
  const category =
    refined && !['invalid-mailbox', 'invalid-domain', 'inactive-mailbox'].includes(refined)
      ? refined
      : fallback;
  const status = /\b([245]\.\d{1,3}\.\d{1,3})\b/.exec(details ?? '')?.[1] ?? null;
  return { kind, category, status, detail: details };
}

/** Our header in the record's Metadata (`X-PM-Metadata-spoor-send` when sending through Postmark). */
function metadataSendHeader(metadata: unknown): string | null {
  if (typeof metadata !== 'object' || metadata === null) return null;
  for (const [key, value] of Object.entries(metadata as Fields))
    if (['spoor-send', 'x-spoor-send'].includes(key.toLowerCase()) && typeof value === 'string')
      return value.trim().slice(0, 400) || null;
  return null;
}

/** One record into its event; never throws. */
export async function readPostmarkRecord(record: Fields): Promise<WebhookEvent> {
  const email = address(record['Email']);
  const content = textOf(record['Content'], 2_000_000);
  const quoted = content ? await parseReport(Buffer.from(content, 'utf8')) : null;
  const original = quoted && quoted.type !== 'unparseable' ? quoted.original : null;
  const refs = {
    sendHeader: metadataSendHeader(record['Metadata']) ?? original?.sendHeader ?? null,
    messageId: original?.messageId ?? null,
    email,
  };
  const typeCode = typeof record['TypeCode'] === 'number' ? record['TypeCode'] : null;
  const outcome = postmarkOutcome(
    textOf(record['RecordType'], 40),
    textOf(record['Type'], 40),
    typeCode,
    textOf(record['Details']) ?? textOf(record['Description']),
  );
  return typeof outcome === 'string' ? ignore(refs, outcome) : { ...refs, outcome, ignored: null };
}
