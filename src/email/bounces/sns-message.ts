// An Amazon SNS message as posted to an HTTPS subscription, read and judged before anything else: its
// fields, the string SNS signs (AWS's "Verifying the signatures of Amazon SNS messages"), where its
// certificate may come from and how old it may be. Pure; the crypto and the fetch are in
// sns-certificates.ts.

export type SnsType = 'Notification' | 'SubscriptionConfirmation' | 'UnsubscribeConfirmation';

export interface SnsMessage {
  type: SnsType;
  messageId: string;
  topicArn: string;
  subject: string | null;
  message: string;
  timestamp: string;
  signatureVersion: '1' | '2';
  signature: string;
  signingCertUrl: string;
  /** Confirmations only. */
  token: string | null;
  subscribeUrl: string | null;
}

export type SnsRead = { ok: true; message: SnsMessage } | { ok: false; reason: string };

const TYPES = new Set<string>(['Notification', 'SubscriptionConfirmation', 'UnsubscribeConfirmation']);
/** arn:aws:sns:us-east-1:123456789012:name (also the China and GovCloud partitions). */
export const TOPIC_ARN =
  /^arn:aws(?:-cn|-us-gov)?:sns:[a-z0-9-]{1,30}:\d{12}:[A-Za-z0-9_-]{1,256}(?:\.fifo)?$/;

const text = (fields: Record<string, unknown>, name: string, max: number): string | null => {
  const value = fields[name];
  return typeof value === 'string' && value.length <= max ? value : null;
};

/** The JSON body into an SNS message; a reason when it is not one. Never throws. */
export function readSnsMessage(body: string): SnsRead {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { ok: false, reason: 'the body is not JSON' };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    return { ok: false, reason: 'the body is not an SNS message (a JSON object)' };
  const fields = parsed as Record<string, unknown>;
  const type = text(fields, 'Type', 40);
  if (!type || !TYPES.has(type)) return { ok: false, reason: 'Type is not an SNS message type' };
  const version = text(fields, 'SignatureVersion', 2);
  if (version !== '1' && version !== '2')
    return { ok: false, reason: 'SignatureVersion must be "1" (SHA1withRSA) or "2" (SHA256withRSA)' };
  const required = {
    messageId: text(fields, 'MessageId', 200),
    topicArn: text(fields, 'TopicArn', 400),
    message: text(fields, 'Message', 1_000_000),
    timestamp: text(fields, 'Timestamp', 40),
    signature: text(fields, 'Signature', 2000),
    signingCertUrl: text(fields, 'SigningCertURL', 1000),
  };
  const missing = Object.entries(required).find(([, value]) => value === null);
  if (missing) return { ok: false, reason: `the ${missing[0]} field is missing or too long` };
  const token = text(fields, 'Token', 2000);
  const subscribeUrl = text(fields, 'SubscribeURL', 3000);
  if (type !== 'Notification' && (token === null || subscribeUrl === null))
    return { ok: false, reason: `a ${type} needs Token and SubscribeURL` };
  if (fields['Subject'] !== undefined && text(fields, 'Subject', 1000) === null)
    return { ok: false, reason: 'Subject is not text' };
  return {
    ok: true,
    message: {
      type: type as SnsType,
      signatureVersion: version,
      subject: type === 'Notification' ? text(fields, 'Subject', 1000) : null,
      token: type === 'Notification' ? null : token,
      subscribeUrl: type === 'Notification' ? null : subscribeUrl,
      ...(required as { [K in keyof typeof required]: string }),
    },
  };
}

/**
 * The string SNS signs: "name\nvalue\n" for each documented field in byte order of the names; for a
 * notification Message, MessageId, Subject (only when present), Timestamp, TopicArn, Type; for the
 * confirmations Message, MessageId, SubscribeURL, Timestamp, Token, TopicArn, Type.
 */
export function stringToSign(message: SnsMessage): string {
  const pairs: [string, string | null][] =
    message.type === 'Notification'
      ? [
          ['Message', message.message],
          ['MessageId', message.messageId],
          ['Subject', message.subject],
          ['Timestamp', message.timestamp],
          ['TopicArn', message.topicArn],
          ['Type', message.type],
        ]
      : [
          ['Message', message.message],
          ['MessageId', message.messageId],
          ['SubscribeURL', message.subscribeUrl],
          ['Timestamp', message.timestamp],
          ['Token', message.token],
          ['TopicArn', message.topicArn],
          ['Type', message.type],
        ];
  return pairs
    .filter(([, value]) => value !== null)
    .map(([name, value]) => `${name}\n${value}\n`)
    .join('');
}

/** SNS's own hosts only: sns.<region>.amazonaws.com, and .com.cn in China; no port, no user. */
export const SNS_HOST = /^sns\.[a-z0-9-]{3,40}\.amazonaws\.com(?:\.cn)?$/;

/** Where a certificate or a confirmation may be fetched from (tests point `host` at a local server). */
export interface SnsTrust {
  /** Matched against the URL's host (with its port, if any). */
  host: RegExp;
}

export const PRODUCTION_TRUST: SnsTrust = { host: SNS_HOST };

function snsUrl(value: string, trust: SnsTrust): URL | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' || url.username || url.password || url.hash) return null;
  return trust.host.test(url.host) ? url : null;
}

/** The certificate's URL when it is one SNS itself serves: https, an SNS host, a .pem file, no query. */
export function certificateUrl(value: string, trust: SnsTrust = PRODUCTION_TRUST): URL | null {
  const url = snsUrl(value, trust);
  if (!url || url.search || !/^\/[A-Za-z0-9._-]{1,200}\.pem$/.test(url.pathname)) return null;
  return url;
}

/** The SubscribeURL when it is on an SNS host and asks for ConfirmSubscription of that very topic. */
export function subscribeUrl(message: SnsMessage, trust: SnsTrust = PRODUCTION_TRUST): URL | null {
  const url = message.subscribeUrl ? snsUrl(message.subscribeUrl, trust) : null;
  if (!url) return null;
  if (url.searchParams.get('Action') !== 'ConfirmSubscription') return null;
  if (url.searchParams.get('TopicArn') !== message.topicArn) return null;
  return url;
}

/**
 * SNS retries a delivery for at most an hour (a delivery policy's total retry time is capped at
 * 3,600 s), with the Timestamp of the first attempt: older than that is a replay, not a retry.
 */
export const MAX_AGE_MS = 60 * 60_000;
/** Clocks differ a little; a message from much further in the future is not genuine. */
export const MAX_AHEAD_MS = 5 * 60_000;

export function timestampProblem(timestamp: string, now: number): string | null {
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?Z$/.test(timestamp))
    return 'the Timestamp is not an ISO 8601 UTC time';
  const at = Date.parse(timestamp);
  if (!Number.isFinite(at)) return 'the Timestamp is not a time';
  if (now - at > MAX_AGE_MS)
    return 'the Timestamp is more than an hour old (SNS retries for at most an hour)';
  if (at - now > MAX_AHEAD_MS) return 'the Timestamp is in the future';
  return null;
}
