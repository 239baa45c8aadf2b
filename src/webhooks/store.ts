// Storage for outgoing webhooks: endpoints, deliveries (one per endpoint × feed item) and attempts.
import { type Selectable, sql } from 'kysely';
import type { Db, WebhookDeliveriesTable, WebhookEndpointsTable } from '../storage/schema.ts';

export type EndpointRow = Selectable<WebhookEndpointsTable>;
export type DeliveryRow = Selectable<WebhookDeliveriesTable>;
export type EndpointState = WebhookEndpointsTable['state'];

// ---- endpoints ----

export async function insertEndpoint(db: Db, row: EndpointRow): Promise<void> {
  await db.insertInto('webhook_endpoints').values(row).execute();
}

export async function findEndpoint(db: Db, id: string): Promise<EndpointRow | undefined> {
  return db.selectFrom('webhook_endpoints').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listEndpoints(db: Db): Promise<EndpointRow[]> {
  return db.selectFrom('webhook_endpoints').selectAll().orderBy('created_at').orderBy('id').execute();
}

/** Endpoints deliveries are written for: enabled and paused ones (a paused one catches up when resumed). */
export async function receivingEndpoints(db: Db): Promise<Pick<EndpointRow, 'id' | 'event_types'>[]> {
  return db
    .selectFrom('webhook_endpoints')
    .select(['id', 'event_types'])
    .where('state', '!=', 'disabled')
    .execute();
}

export async function updateEndpoint(
  db: Db,
  id: string,
  set: Partial<Omit<EndpointRow, 'id' | 'created_at'>>,
): Promise<boolean> {
  const result = await db.updateTable('webhook_endpoints').set(set).where('id', '=', id).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Moves an endpoint from `from` to `to` (false when it was no longer in `from`: an administrator acted). */
export async function changeEndpointState(
  db: Db,
  id: string,
  from: EndpointState,
  to: EndpointState,
  reason: string,
  now: number,
): Promise<boolean> {
  const result = await db
    .updateTable('webhook_endpoints')
    .set({ state: to, state_reason: reason, state_changed_at: now, updated_at: now })
    .where('id', '=', id)
    .where('state', '=', from)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function deleteEndpoint(db: Db, id: string): Promise<boolean> {
  return db.transaction().execute(async (tx) => {
    await tx
      .deleteFrom('webhook_attempts')
      .where(
        'delivery_id',
        'in',
        tx.selectFrom('webhook_deliveries').select('id').where('endpoint_id', '=', id),
      )
      .execute();
    await tx.deleteFrom('webhook_deliveries').where('endpoint_id', '=', id).execute();
    const result = await tx.deleteFrom('webhook_endpoints').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) === 1;
  });
}

/** An attempt's effect on its endpoint's health: failing since when, last success. */
export async function noteEndpointResult(
  db: Db,
  id: string,
  ok: boolean,
  now: number,
): Promise<EndpointRow | undefined> {
  await db
    .updateTable('webhook_endpoints')
    .set(
      ok
        ? { failing_since: null, last_success_at: now }
        : (eb) => ({ failing_since: eb.fn.coalesce('failing_since', eb.val(now)), last_failure_at: now }),
    )
    .where('id', '=', id)
    .execute();
  return findEndpoint(db, id);
}

/** Counts of an endpoint's deliveries by state. */
export async function deliveryCounts(db: Db, endpointId: string): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('webhook_deliveries')
    .select(['state', (eb) => eb.fn.countAll<number>().as('n')])
    .where('endpoint_id', '=', endpointId)
    .groupBy('state')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
}

// ---- deliveries ----

export type NewDelivery = Omit<
  DeliveryRow,
  'seq' | 'attempts' | 'last_attempt_at' | 'delivered_at' | 'last_status' | 'last_error'
>;

export async function insertDeliveries(tx: Db, rows: readonly NewDelivery[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 500)
    await tx
      .insertInto('webhook_deliveries')
      .values(rows.slice(i, i + 500))
      .execute();
}

/**
 * Deliveries to send now: the oldest pending one of each endpoint × contact (a later one waits for it, so
 * a contact's events arrive in order and one at a time), of enabled endpoints, due by `now`.
 */
export async function dueDeliveries(db: Db, now: number, limit: number): Promise<DeliveryRow[]> {
  return db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhook_endpoints as e', 'e.id', 'd.endpoint_id')
    .selectAll('d')
    .where('e.state', '=', 'enabled')
    .where('d.state', '=', 'pending')
    .where('d.next_attempt_at', '<=', now)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('webhook_deliveries as p')
            .select(sql`1`.as('one'))
            .whereRef('p.endpoint_id', '=', 'd.endpoint_id')
            .whereRef('p.contact_id', '=', 'd.contact_id')
            .where('p.state', '=', 'pending')
            .whereRef('p.seq', '<', 'd.seq'),
        ),
      ),
    )
    .orderBy('d.next_attempt_at')
    .orderBy('d.seq')
    .limit(limit)
    .execute();
}

export interface AttemptRecord {
  id: string;
  deliveryId: string;
  attemptedAt: number;
  durationMs: number;
  status: number | null;
  responseBody: string | null;
  error: string | null;
}

/** Records one attempt and what became of its delivery, together. */
export async function recordAttempt(
  db: Db,
  attempt: AttemptRecord,
  outcome: { state: 'pending' | 'delivered' | 'failed'; nextAttemptAt: number },
): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await tx
      .insertInto('webhook_attempts')
      .values({
        id: attempt.id,
        delivery_id: attempt.deliveryId,
        attempted_at: attempt.attemptedAt,
        duration_ms: attempt.durationMs,
        status: attempt.status,
        response_body: attempt.responseBody,
        error: attempt.error,
      })
      .execute();
    await tx
      .updateTable('webhook_deliveries')
      .set((eb) => ({
        state: outcome.state,
        attempts: eb('attempts', '+', 1),
        next_attempt_at: outcome.nextAttemptAt,
        last_attempt_at: attempt.attemptedAt,
        last_status: attempt.status,
        last_error: attempt.error,
        ...(outcome.state === 'delivered' ? { delivered_at: attempt.attemptedAt } : {}),
      }))
      .where('id', '=', attempt.deliveryId)
      .execute();
  });
}

export async function findDelivery(db: Db, id: string): Promise<DeliveryRow | undefined> {
  return db.selectFrom('webhook_deliveries').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function attemptsOf(db: Db, deliveryId: string) {
  return db
    .selectFrom('webhook_attempts')
    .selectAll()
    .where('delivery_id', '=', deliveryId)
    .orderBy('attempted_at')
    .orderBy('id')
    .execute();
}

/** An endpoint's deliveries, newest first, after the cursor's seq, of one state if given. */
export async function pageDeliveries(
  db: Db,
  query: {
    endpointId: string;
    state?: DeliveryRow['state'] | undefined;
    beforeSeq?: number | undefined;
    limit: number;
  },
): Promise<DeliveryRow[]> {
  let select = db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('endpoint_id', '=', query.endpointId)
    .orderBy('seq', 'desc')
    .limit(query.limit);
  if (query.state) select = select.where('state', '=', query.state);
  if (query.beforeSeq !== undefined) select = select.where('seq', '<', query.beforeSeq);
  return select.execute();
}

/** Sends a delivery again from now (a fresh 3-day window); answers false when there is no such one. */
export async function replayDelivery(db: Db, endpointId: string, id: string, now: number): Promise<boolean> {
  const result = await db
    .updateTable('webhook_deliveries')
    .set({ state: 'pending', next_attempt_at: now, window_start: now })
    .where('id', '=', id)
    .where('endpoint_id', '=', endpointId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Every delivery of an endpoint given up on since `since` is sent again: how many. */
export async function replayFailedSince(
  db: Db,
  endpointId: string,
  since: number,
  now: number,
): Promise<number> {
  const result = await db
    .updateTable('webhook_deliveries')
    .set({ state: 'pending', next_attempt_at: now, window_start: now })
    .where('endpoint_id', '=', endpointId)
    .where('state', '=', 'failed')
    .where('created_at', '>=', since)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

// ---- personal data ----

/** A contact's deliveries and their attempts (the payloads name the contact): erased with them. */
export async function deleteContactDeliveries(db: Db, contactId: string): Promise<number> {
  await db
    .deleteFrom('webhook_attempts')
    .where(
      'delivery_id',
      'in',
      db.selectFrom('webhook_deliveries').select('id').where('contact_id', '=', contactId),
    )
    .execute();
  const result = await db
    .deleteFrom('webhook_deliveries')
    .where('contact_id', '=', contactId)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** A merge: the loser's deliveries join the winner's lanes (in their order). */
export async function moveContactDeliveries(db: Db, loserId: string, winnerId: string): Promise<void> {
  await db
    .updateTable('webhook_deliveries')
    .set({ contact_id: winnerId })
    .where('contact_id', '=', loserId)
    .execute();
}
