// Takes one Mailgun or Postmark webhook request once its body is text: the proof each provider
// documents first (Mailgun's signature and one-time token; Postmark's Basic credentials), nothing read
// or recorded before it holds; then the event, recorded through recordWebhookEvents.
import { AppError } from '../../lib/errors.ts';
import { checkMailgunSignature, readMailgunEvent } from './mailgun-events.ts';
import { basicAuthMatches, readPostmarkRecord } from './postmark-events.ts';
import { recordWebhookEvents, type WebhookDeps, type WebhookTally } from './record-webhook-events.ts';
import { rememberWebhookToken, webhookTokenSeen } from './store.ts';

function json(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    throw new AppError('bad_request', 'The body is not JSON.');
  }
}

export async function takeMailgunWebhook(
  deps: WebhookDeps,
  key: string,
  body: string,
  now = Date.now(),
): Promise<WebhookTally> {
  const checked = checkMailgunSignature(key, json(body), now);
  if (!checked.ok) throw new AppError('forbidden', `Not a genuine Mailgun request: ${checked.reason}.`);
  const { token, eventData } = checked.signed;
  const db = deps.storage.db;
  if (await webhookTokenSeen(db, 'mailgun', token))
    throw new AppError(
      'conflict',
      'This request’s token was taken before: a replay is refused, and nothing was recorded.',
    );
  const event = readMailgunEvent(eventData);
  // Remembered only once the event is taken: a 503 (email still being sent) leaves the token free for
  // Mailgun's retry, which carries the same signature. Two deliveries racing record the outcome once.
  const tally = await recordWebhookEvents(deps, 'mailgun', [event], () => JSON.stringify(eventData));
  await rememberWebhookToken(db, 'mailgun', token, now);
  return tally;
}

export async function takePostmarkWebhook(
  deps: WebhookDeps,
  credentials: { user: string; password: string },
  authorization: string | undefined,
  body: string,
): Promise<WebhookTally> {
  if (!basicAuthMatches(authorization, credentials.user, credentials.password))
    throw new AppError(
      'unauthorized',
      'Postmark webhooks need the Basic credentials of SPOOR_POSTMARK_WEBHOOK_USER and SPOOR_POSTMARK_WEBHOOK_PASSWORD in the webhook URL.',
    );
  const record = json(body);
  if (typeof record !== 'object' || record === null || Array.isArray(record))
    throw new AppError('bad_request', 'The body must be one Postmark webhook record (a JSON object).');
  const event = await readPostmarkRecord(record as Record<string, unknown>);
  return recordWebhookEvents(deps, 'postmark', [event], () => body);
}
