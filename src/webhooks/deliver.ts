// Sends due webhook deliveries per Standard Webhooks: `webhook-id` (the delivery's, the same on every
// retry), `webhook-timestamp` (this attempt's), `webhook-signature` (v1 with every secret still signing),
// the stored body. Each attempt is logged with its answer; a failure is retried on the schedule of
// delivery-rules.ts, a 410 disables the endpoint, failing for a day pauses it (and says so in the log).
import type { WebhookConfig } from '../config.ts';
import { newId } from '../lib/ids.ts';
import type { Logger } from '../lib/logger.ts';
import { type EgressPolicy, egressRequest } from '../platform/egress/guarded-request.ts';
import type { Db } from '../storage/schema.ts';
import { afterFailedAttempt, retryAfterMs, shouldPause, verdictOf } from './delivery-rules.ts';
import { type StoredSecret, signatureHeader, signingSecrets } from './signing.ts';
import {
  changeEndpointState,
  type DeliveryRow,
  dueDeliveries,
  type EndpointRow,
  listEndpoints,
  noteEndpointResult,
  recordAttempt,
} from './store.ts';

/** Bytes of a receiver's answer kept in the attempt log. */
export const RESPONSE_BODY_CAP = 2_048;

export interface DeliverDeps {
  db: Db;
  config: WebhookConfig;
  log?: Logger | undefined;
  /** The clock deciding what is due and when to retry (tests move it). */
  now?: () => number;
  /** Jitter source in [0, 1). */
  random?: () => number;
}

export interface SendResult {
  status: number | null;
  durationMs: number;
  body: string | null;
  error: string | null;
  retryAfter: string | undefined;
}

export function policyOf(config: WebhookConfig): EgressPolicy {
  return config.egress;
}

/** One POST of a signed body to an endpoint; never throws (a refusal or network error is in `error`). */
export async function sendSigned(
  config: WebhookConfig,
  url: string,
  secrets: readonly string[],
  message: { id: string; body: string },
): Promise<SendResult> {
  const timestamp = Math.floor(Date.now() / 1000);
  const started = performance.now();
  try {
    const response = await egressRequest(new URL(url), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': message.id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signatureHeader(secrets, message.id, timestamp, message.body),
        'user-agent': 'Spoor webhooks',
      },
      body: message.body,
      timeoutMs: config.timeoutMs,
      maxResponseBytes: RESPONSE_BODY_CAP,
      overflow: 'truncate',
      policy: policyOf(config),
    });
    const retryAfter = response.headers['retry-after'];
    return {
      status: response.status,
      durationMs: Math.round(performance.now() - started),
      body: response.body,
      error: null,
      retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
    };
  } catch (error) {
    return {
      status: null,
      durationMs: Math.round(performance.now() - started),
      body: null,
      error: (error as Error).message || String(error),
      retryAfter: undefined,
    };
  }
}

async function attempt(deps: DeliverDeps, endpoint: EndpointRow, delivery: DeliveryRow): Promise<void> {
  const now = deps.now ?? Date.now;
  // Secrets expire on the wall clock, as the signature's timestamp is.
  const secrets = signingSecrets(JSON.parse(endpoint.secrets) as StoredSecret[], Date.now());
  const result = await sendSigned(deps.config, endpoint.url, secrets, {
    id: delivery.id,
    body: delivery.payload,
  });
  const at = now();
  const verdict = verdictOf(result.status);
  const record = {
    id: newId(),
    deliveryId: delivery.id,
    attemptedAt: at,
    durationMs: result.durationMs,
    status: result.status,
    responseBody: result.body,
    error: result.error ?? (verdict === 'delivered' ? null : `answered ${result.status}`),
  };
  if (verdict === 'delivered') {
    await recordAttempt(deps.db, record, { state: 'delivered', nextAttemptAt: at });
    await noteEndpointResult(deps.db, endpoint.id, true, at);
    return;
  }
  if (verdict === 'gone') {
    // Kept pending: sent in order if an administrator enables the endpoint again.
    await recordAttempt(deps.db, record, { state: 'pending', nextAttemptAt: at });
    await noteEndpointResult(deps.db, endpoint.id, false, at);
    const reason = `The receiver answered 410 Gone on ${new Date(at).toISOString()}: it asked not to be called again.`;
    if (await changeEndpointState(deps.db, endpoint.id, 'enabled', 'disabled', reason, at))
      deps.log?.warn(
        { endpoint: endpoint.id, url: endpoint.url },
        `webhook endpoint ${endpoint.url} disabled: 410 Gone`,
      );
    return;
  }
  const next = afterFailedAttempt({
    attempts: Number(delivery.attempts) + 1,
    createdAt: Number(delivery.window_start),
    now: at,
    retryAfterMs: retryAfterMs(result.retryAfter, at),
    random: (deps.random ?? Math.random)(),
  });
  await recordAttempt(
    deps.db,
    record,
    'giveUp' in next
      ? { state: 'failed', nextAttemptAt: at }
      : { state: 'pending', nextAttemptAt: next.retryAt },
  );
  const health = await noteEndpointResult(deps.db, endpoint.id, false, at);
  if (health && shouldPause(health.failing_since === null ? null : Number(health.failing_since), at)) {
    const since = new Date(Number(health.failing_since)).toISOString();
    const reason = `Every attempt failed since ${since}; paused after a day. Resume it once the receiver is back.`;
    if (await changeEndpointState(deps.db, endpoint.id, 'enabled', 'paused', reason, at))
      deps.log?.warn(
        { endpoint: endpoint.id, url: endpoint.url, failingSince: since },
        `webhook endpoint ${endpoint.url} paused: every attempt failed for a day (resume it in Settings → Webhooks)`,
      );
  }
}

/**
 * Sends what is due now, several lanes at once (each lane — endpoint × contact — one delivery at a time);
 * repeats until nothing is due or `signal` is aborted. Answers how many attempts it made.
 */
export async function deliverDue(deps: DeliverDeps, signal?: AbortSignal): Promise<number> {
  const now = deps.now ?? Date.now;
  let made = 0;
  while (!signal?.aborted) {
    const due = await dueDeliveries(deps.db, now(), deps.config.concurrency);
    if (due.length === 0) return made;
    const endpoints = new Map((await listEndpoints(deps.db)).map((e) => [e.id, e]));
    await Promise.all(
      due.map(async (delivery) => {
        const endpoint = endpoints.get(delivery.endpoint_id);
        if (endpoint) await attempt(deps, endpoint, delivery);
      }),
    );
    made += due.length;
  }
  return made;
}
