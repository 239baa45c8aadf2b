// The webhooks' reader of the interaction feed (the transactional outbox): each item that makes an event
// becomes one delivery per endpoint that wants the event, written in the transaction that moves the
// consumer's cursor, so every item gets its deliveries exactly once whatever crashes (decision 037).
import { newId } from '../lib/ids.ts';
import type { FeedConsumer } from '../platform/interactions/feed-consumer.ts';
import { eventTypeOf, payloadOf } from './event-types.ts';
import { insertDeliveries, type NewDelivery, receivingEndpoints } from './store.ts';

/** Standard Webhooks' message id spelling: stable across retries, the receiver's idempotency key. */
export const newMessageId = () => `msg_${newId()}`;

export function webhookFeedConsumer(now: () => number = Date.now): FeedConsumer {
  return {
    name: 'webhooks',
    startAt: 'now',
    async handle(tx, items) {
      const endpoints = (await receivingEndpoints(tx)).map((e) => ({
        id: e.id,
        wants: new Set(JSON.parse(e.event_types) as string[]),
      }));
      if (endpoints.length === 0) return;
      const at = now();
      const rows: NewDelivery[] = [];
      for (const item of items) {
        const type = eventTypeOf(item);
        if (type === null) continue;
        const receivers = endpoints.filter((e) => e.wants.has(type));
        if (receivers.length === 0) continue;
        const payload = JSON.stringify(payloadOf(item, type));
        for (const endpoint of receivers)
          rows.push({
            id: newMessageId(),
            endpoint_id: endpoint.id,
            contact_id: item.contactId,
            event_type: type,
            payload,
            state: 'pending',
            next_attempt_at: at,
            created_at: at,
            window_start: at,
          });
      }
      await insertDeliveries(tx, rows);
    },
    idle: async (db) => (await receivingEndpoints(db)).length === 0,
  };
}
