// Administrators' webhook endpoints: register (the secret shown once), list, read, change, rotate the
// secret, remove, send a test, read the delivery log and replay. URLs pass the egress guard's rules when
// saved (https unless allowed, no private target, a name resolving to one refused too) and again at
// every connection.
import { lookup } from 'node:dns/promises';
import type { WebhookConfig } from '../config.ts';
import { AppError } from '../lib/errors.ts';
import { newId } from '../lib/ids.ts';
import { hostOf, refusedTarget } from '../platform/egress/guarded-request.ts';
import { isPrivateAddress } from '../platform/egress/private-address.ts';
import { startFeedConsumer } from '../platform/interactions/feed-consumer.ts';
import type { Db } from '../storage/schema.ts';
import { type SendResult, sendSigned } from './deliver.ts';
import { isEventType, type WebhookEventType } from './event-types.ts';
import { newMessageId, webhookFeedConsumer } from './feed-to-deliveries.ts';
import { newWebhookSecret, rotateSecrets, type StoredSecret, secretHint, signingSecrets } from './signing.ts';
import {
  attemptsOf,
  type DeliveryRow,
  deleteEndpoint,
  deliveryCounts,
  type EndpointRow,
  type EndpointState,
  findDelivery,
  findEndpoint,
  insertEndpoint,
  listEndpoints,
  pageDeliveries,
  replayDelivery,
  replayFailedSince,
  updateEndpoint,
} from './store.ts';

export interface Endpoint {
  id: string;
  url: string;
  description: string;
  eventTypes: WebhookEventType[];
  state: EndpointState;
  stateReason: string | null;
  stateChangedAt: string;
  failingSince: string | null;
  lastSuccessAt: string | null;
  lastFailureAt: string | null;
  /** The start of each secret that signs now (newest first), to tell them apart; never the secret. */
  secrets: { hint: string; createdAt: string; expiresAt: string | null }[];
  createdAt: string;
  updatedAt: string;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString());

export function toEndpoint(row: EndpointRow, now = Date.now()): Endpoint {
  const secrets = (JSON.parse(row.secrets) as StoredSecret[]).filter(
    (s) => s.expiresAt === null || s.expiresAt > now,
  );
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    eventTypes: JSON.parse(row.event_types) as WebhookEventType[],
    state: row.state,
    stateReason: row.state_reason,
    stateChangedAt: new Date(Number(row.state_changed_at)).toISOString(),
    failingSince: iso(row.failing_since),
    lastSuccessAt: iso(row.last_success_at),
    lastFailureAt: iso(row.last_failure_at),
    secrets: secrets.map((s) => ({
      hint: secretHint(s.secret),
      createdAt: new Date(s.createdAt).toISOString(),
      expiresAt: iso(s.expiresAt),
    })),
    createdAt: new Date(Number(row.created_at)).toISOString(),
    updatedAt: new Date(Number(row.updated_at)).toISOString(),
  };
}

const LOOKUP_TIMEOUT_MS = 3_000;

/** The URL as saved, or a 400 saying why not. A name that cannot be resolved now is accepted (checked on use). */
export async function checkEndpointUrl(raw: string, config: WebhookConfig): Promise<string> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new AppError('bad_request', `url is not an absolute URL: "${raw.slice(0, 200)}".`);
  }
  url.hash = '';
  const refused = refusedTarget(url, config.egress);
  if (refused) throw new AppError('bad_request', `url refused: ${refused}.`);
  const host = hostOf(url);
  const allowed =
    config.egress.allowPrivateHosts.includes('*') || config.egress.allowPrivateHosts.includes(host);
  if (!allowed) {
    const addresses = await Promise.race([
      lookup(host, { all: true }).catch(() => []),
      new Promise<[]>((resolve) => setTimeout(() => resolve([]), LOOKUP_TIMEOUT_MS).unref()),
    ]);
    const bad = addresses.find((a) => isPrivateAddress(a.address));
    if (bad)
      throw new AppError(
        'bad_request',
        `url refused: ${host} resolves to ${bad.address}, a private, loopback or link-local address (an administrator can allow the host: SPOOR_EGRESS_PRIVATE_HOSTS).`,
      );
  }
  return url.href;
}

function checkEventTypes(types: readonly string[]): WebhookEventType[] {
  const unknown = types.filter((t) => !isEventType(t));
  if (unknown.length > 0)
    throw new AppError(
      'bad_request',
      `Unknown event type(s): ${unknown.join(', ')} (GET /api/webhook-event-types lists them).`,
    );
  return [...new Set(types)] as WebhookEventType[];
}

export async function requireEndpoint(db: Db, id: string): Promise<EndpointRow> {
  const row = await findEndpoint(db, id);
  if (!row) throw new AppError('not_found', `No webhook endpoint with id "${id}".`);
  return row;
}

export interface EndpointInput {
  url: string;
  description?: string | undefined;
  eventTypes: string[];
}

/** Registers an endpoint; the secret is in the answer and never again. */
export async function createEndpoint(
  db: Db,
  config: WebhookConfig,
  input: EndpointInput,
  now = Date.now(),
): Promise<{ endpoint: Endpoint; secret: string }> {
  const url = await checkEndpointUrl(input.url, config);
  const eventTypes = checkEventTypes(input.eventTypes);
  const secret = newWebhookSecret();
  const row: EndpointRow = {
    id: newId(),
    url,
    description: input.description ?? '',
    event_types: JSON.stringify(eventTypes),
    secrets: JSON.stringify([{ secret, createdAt: now, expiresAt: null }] satisfies StoredSecret[]),
    state: 'enabled',
    state_reason: null,
    state_changed_at: now,
    failing_since: null,
    last_success_at: null,
    last_failure_at: null,
    created_at: now,
    updated_at: now,
  };
  // The feed is read for endpoints from now on, even before the consumer's job first runs.
  await startFeedConsumer(db, webhookFeedConsumer());
  await insertEndpoint(db, row);
  return { endpoint: toEndpoint(row, now), secret };
}

export async function listAllEndpoints(db: Db): Promise<Endpoint[]> {
  const now = Date.now();
  return (await listEndpoints(db)).map((row) => toEndpoint(row, now));
}

export async function getEndpoint(db: Db, id: string) {
  const row = await requireEndpoint(db, id);
  const counts = await deliveryCounts(db, id);
  return {
    ...toEndpoint(row),
    deliveries: {
      pending: counts['pending'] ?? 0,
      delivered: counts['delivered'] ?? 0,
      failed: counts['failed'] ?? 0,
    },
  };
}

export interface EndpointChange {
  url?: string | undefined;
  description?: string | undefined;
  eventTypes?: string[] | undefined;
  /** enabled resumes a paused or disabled endpoint (its pending deliveries go out, in order). */
  state?: EndpointState | undefined;
}

export async function changeEndpoint(db: Db, config: WebhookConfig, id: string, change: EndpointChange) {
  const current = await requireEndpoint(db, id);
  const now = Date.now();
  const set: Parameters<typeof updateEndpoint>[2] = { updated_at: now };
  if (change.url !== undefined) set.url = await checkEndpointUrl(change.url, config);
  if (change.description !== undefined) set.description = change.description;
  if (change.eventTypes !== undefined) set.event_types = JSON.stringify(checkEventTypes(change.eventTypes));
  if (change.state !== undefined && change.state !== current.state) {
    set.state = change.state;
    set.state_reason = change.state === 'enabled' ? null : `Set to ${change.state} by an administrator.`;
    set.state_changed_at = now;
    // A fresh start: the day of failures that paused it is over.
    if (change.state === 'enabled') set.failing_since = null;
  }
  await updateEndpoint(db, id, set);
  return getEndpoint(db, id);
}

/** A new secret (shown once); the old ones keep signing for `overlapHours` so receivers can switch. */
export async function rotateEndpointSecret(db: Db, id: string, overlapHours: number) {
  const current = await requireEndpoint(db, id);
  const now = Date.now();
  const secret = newWebhookSecret();
  const secrets = rotateSecrets(
    JSON.parse(current.secrets) as StoredSecret[],
    secret,
    now,
    overlapHours * 3_600_000,
  );
  await updateEndpoint(db, id, { secrets: JSON.stringify(secrets), updated_at: now });
  return { endpoint: toEndpoint(await requireEndpoint(db, id), now), secret };
}

export async function removeEndpoint(db: Db, id: string): Promise<void> {
  if (!(await deleteEndpoint(db, id)))
    throw new AppError('not_found', `No webhook endpoint with id "${id}".`);
}

/** Sends a `webhook.test` event now, signed as any other, and answers what the receiver said (nothing is stored). */
export async function testEndpoint(
  db: Db,
  config: WebhookConfig,
  id: string,
): Promise<SendResult & { delivered: boolean }> {
  const row = await requireEndpoint(db, id);
  const now = Date.now();
  const body = JSON.stringify({
    type: 'webhook.test',
    timestamp: new Date(now).toISOString(),
    data: { endpointId: id },
  });
  const secrets = signingSecrets(JSON.parse(row.secrets) as StoredSecret[], now);
  const result = await sendSigned(config, row.url, secrets, { id: newMessageId(), body });
  return { ...result, delivered: result.status !== null && result.status >= 200 && result.status < 300 };
}

function toDelivery(row: DeliveryRow) {
  return {
    id: row.id,
    eventType: row.event_type,
    contactId: row.contact_id,
    state: row.state,
    attempts: Number(row.attempts),
    createdAt: new Date(Number(row.created_at)).toISOString(),
    nextAttemptAt: row.state === 'pending' ? new Date(Number(row.next_attempt_at)).toISOString() : null,
    lastAttemptAt: iso(row.last_attempt_at),
    deliveredAt: iso(row.delivered_at),
    lastStatus: row.last_status === null ? null : Number(row.last_status),
    lastError: row.last_error,
  };
}

export async function listDeliveries(
  db: Db,
  endpointId: string,
  query: { state?: DeliveryRow['state'] | undefined; cursor?: string | undefined; limit: number },
) {
  await requireEndpoint(db, endpointId);
  let beforeSeq: number | undefined;
  if (query.cursor !== undefined) {
    if (!/^\d{1,15}$/.test(query.cursor))
      throw new AppError('bad_request', 'cursor is not one this API returned.');
    beforeSeq = Number(query.cursor);
  }
  const rows = await pageDeliveries(db, {
    endpointId,
    state: query.state,
    beforeSeq,
    limit: query.limit + 1,
  });
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    deliveries: page.map(toDelivery),
    nextCursor: rows.length > query.limit && last ? String(Number(last.seq)) : null,
  };
}

export async function getDelivery(db: Db, endpointId: string, deliveryId: string) {
  const row = await findDelivery(db, deliveryId);
  if (!row || row.endpoint_id !== endpointId)
    throw new AppError('not_found', `No delivery "${deliveryId}" of webhook endpoint "${endpointId}".`);
  const attempts = await attemptsOf(db, deliveryId);
  return {
    ...toDelivery(row),
    payload: JSON.parse(row.payload) as unknown,
    attemptLog: attempts.map((a) => ({
      attemptedAt: new Date(Number(a.attempted_at)).toISOString(),
      durationMs: Number(a.duration_ms),
      status: a.status === null ? null : Number(a.status),
      responseBody: a.response_body,
      error: a.error,
    })),
  };
}

export async function replayOne(
  db: Db,
  endpointId: string,
  deliveryId: string,
): Promise<{ replayed: number }> {
  if (!(await replayDelivery(db, endpointId, deliveryId, Date.now())))
    throw new AppError('not_found', `No delivery "${deliveryId}" of webhook endpoint "${endpointId}".`);
  return { replayed: 1 };
}

export async function replaySince(db: Db, endpointId: string, since: string): Promise<{ replayed: number }> {
  await requireEndpoint(db, endpointId);
  const at = Date.parse(since);
  if (Number.isNaN(at)) throw new AppError('bad_request', `since is not a date and time: "${since}".`);
  return { replayed: await replayFailedSince(db, endpointId, at, Date.now()) };
}
