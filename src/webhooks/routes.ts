// Admin API for outgoing webhooks (administrators only): endpoints, their secrets, a test send, the
// delivery log with each attempt, replay; and the event types with their Dynamics 365 names.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { errors, noContent } from '../api-contract.ts';
import type { WebhookConfig } from '../config.ts';
import type { Db } from '../storage/schema.ts';
import { EVENT_TYPE_NAMES, WEBHOOK_EVENT_TYPES } from './event-types.ts';
import {
  changeEndpoint,
  createEndpoint,
  getDelivery,
  getEndpoint,
  listAllEndpoints,
  listDeliveries,
  removeEndpoint,
  replayOne,
  replaySince,
  rotateEndpointSecret,
  testEndpoint,
} from './manage-endpoints.ts';

const Id = Type.String({ minLength: 1, maxLength: 64 });
const OrNull = Type.Union([Type.String(), Type.Null()]);
const OrNullTime = Type.Union([Type.String({ format: 'date-time' }), Type.Null()]);
const State = Type.Union([Type.Literal('enabled'), Type.Literal('paused'), Type.Literal('disabled')], {
  description:
    'enabled: deliveries go out. paused: kept and sent in order once enabled (Spoor pauses an endpoint whose every attempt failed for a day). disabled: nothing is kept for it (Spoor disables one that answered 410 Gone).',
});
const EventTypeName = Type.String({ enum: [...EVENT_TYPE_NAMES] });
const EventTypes = Type.Array(EventTypeName, {
  minItems: 1,
  maxItems: EVENT_TYPE_NAMES.length,
  description: 'The event types sent to this endpoint (GET /api/webhook-event-types).',
});
const Url = Type.String({
  minLength: 1,
  maxLength: 2000,
  description:
    'https only (unless an administrator allowed http for the host); never a private, loopback, link-local or metadata address.',
});

const Endpoint = Type.Object(
  {
    id: Type.String(),
    url: Type.String(),
    description: Type.String(),
    eventTypes: Type.Array(Type.String()),
    state: State,
    stateReason: OrNull,
    stateChangedAt: Type.String({ format: 'date-time' }),
    failingSince: OrNullTime,
    lastSuccessAt: OrNullTime,
    lastFailureAt: OrNullTime,
    secrets: Type.Array(
      Type.Object({
        hint: Type.String({ description: 'The start of the secret, to tell two apart.' }),
        createdAt: Type.String({ format: 'date-time' }),
        expiresAt: OrNullTime,
      }),
      { description: 'The secrets that sign now, newest first (two during a rotation).' },
    ),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { title: 'WebhookEndpoint' },
);
const EndpointDetail = Type.Object(
  {
    ...Endpoint.properties,
    deliveries: Type.Object(
      { pending: Type.Integer(), delivered: Type.Integer(), failed: Type.Integer() },
      { description: "The endpoint's deliveries by state." },
    ),
  },
  { title: 'WebhookEndpointDetail' },
);
const WithSecret = Type.Object({
  endpoint: Endpoint,
  secret: Type.String({
    description: 'whsec_…: shown this once. Verify deliveries with it (Standard Webhooks).',
  }),
});
const DeliveryState = Type.Union([
  Type.Literal('pending'),
  Type.Literal('delivered'),
  Type.Literal('failed'),
]);
const Delivery = Type.Object(
  {
    id: Type.String({ description: 'The webhook-id header: the same on every retry.' }),
    eventType: Type.String(),
    contactId: Type.String(),
    state: DeliveryState,
    attempts: Type.Integer(),
    createdAt: Type.String({ format: 'date-time' }),
    nextAttemptAt: OrNullTime,
    lastAttemptAt: OrNullTime,
    deliveredAt: OrNullTime,
    lastStatus: Type.Union([Type.Integer(), Type.Null()]),
    lastError: OrNull,
  },
  { title: 'WebhookDelivery' },
);
const SendResult = Type.Object({
  delivered: Type.Boolean(),
  status: Type.Union([Type.Integer(), Type.Null()]),
  durationMs: Type.Integer(),
  body: Type.Union([Type.String(), Type.Null()], { description: "The receiver's answer (first 2 KB)." }),
  error: OrNull,
});
const Params = Type.Object({ id: Id });
const DeliveryParams = Type.Object({ id: Id, deliveryId: Id });
const Replayed = Type.Object({ replayed: Type.Integer() });

export function webhookRoutes(scope: FastifyInstance, deps: { db: Db; config: WebhookConfig }): void {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  const { db, config } = deps;
  const tags = ['webhooks'];

  app.get(
    '/api/webhook-event-types',
    {
      schema: {
        operationId: 'listWebhookEventTypes',
        description:
          "Each type's `dynamics` names the Dynamics 365 Marketing interaction(s) it corresponds to, for integrations moving over. Machine opens and scanner clicks are sent labelled (`data.machine`), not dropped.",
        tags,
        summary:
          'The event types a webhook endpoint can receive, with the Dynamics 365 interaction names each corresponds to.',
        response: {
          200: Type.Object({
            eventTypes: Type.Array(
              Type.Object({ type: Type.String(), description: Type.String(), dynamics: Type.String() }),
            ),
          }),
        },
      },
    },
    async () => ({ eventTypes: WEBHOOK_EVENT_TYPES.map((t) => ({ ...t })) }),
  );

  app.get(
    '/api/webhooks',
    {
      schema: {
        operationId: 'listWebhookEndpoints',
        description:
          'Secrets are never shown again after creation or rotation: `secrets` has only their first characters.',
        tags,
        summary: 'Webhook endpoints, oldest first, with their health.',
        response: { 200: Type.Object({ endpoints: Type.Array(Endpoint) }) },
      },
    },
    async () => ({ endpoints: await listAllEndpoints(db) }),
  );

  app.post(
    '/api/webhooks',
    {
      schema: {
        operationId: 'createWebhookEndpoint',
        description:
          'The URL must be https (unless an administrator allowed http for its host: SPOOR_EGRESS_HTTP_HOSTS) and must not be or resolve to a private, loopback, link-local or metadata address (unless allowed: SPOOR_EGRESS_PRIVATE_HOSTS); 400 says which rule refused it. Events logged from now on are delivered.',
        tags,
        summary: 'Registers an endpoint; the answer carries its secret, shown this once.',
        body: Type.Object(
          {
            url: Url,
            description: Type.Optional(Type.String({ maxLength: 500 })),
            eventTypes: EventTypes,
          },
          {
            examples: [
              {
                url: 'https://crm.example.com/hooks/spoor',
                description: 'CRM',
                eventTypes: ['form.submitted', 'email.clicked', 'contact.sales_ready'],
              },
            ],
          },
        ),
        response: { 201: WithSecret, ...errors(400) },
      },
    },
    async (request, reply) => {
      reply.code(201);
      return createEndpoint(db, config, request.body);
    },
  );

  app.get(
    '/api/webhooks/:id',
    {
      schema: {
        operationId: 'getWebhookEndpoint',
        description:
          '`failingSince` is set while every attempt fails; a day of it pauses the endpoint (`state` paused, `stateReason` says why).',
        tags,
        summary: 'One endpoint, its health and its deliveries by state.',
        params: Params,
        response: { 200: EndpointDetail, ...errors(404) },
      },
    },
    async (request) => getEndpoint(db, request.params.id),
  );

  app.patch(
    '/api/webhooks/:id',
    {
      schema: {
        operationId: 'updateWebhookEndpoint',
        description:
          'Setting `state` to enabled resumes a paused or disabled endpoint: deliveries waiting for it go out in order.',
        tags,
        summary:
          'Changes the URL, description, event types or state (enabled resumes a paused or disabled endpoint).',
        params: Params,
        body: Type.Object(
          {
            url: Type.Optional(Url),
            description: Type.Optional(Type.String({ maxLength: 500 })),
            eventTypes: Type.Optional(EventTypes),
            state: Type.Optional(State),
          },
          { examples: [{ state: 'enabled' }, { eventTypes: ['contact.created', 'contact.updated'] }] },
        ),
        response: { 200: EndpointDetail, ...errors(400, 404) },
      },
    },
    async (request) => changeEndpoint(db, config, request.params.id, request.body),
  );

  app.delete(
    '/api/webhooks/:id',
    {
      schema: {
        operationId: 'deleteWebhookEndpoint',
        description: 'Deliveries not yet made are dropped with it.',
        tags,
        summary: 'Removes an endpoint with its deliveries and their log.',
        params: Params,
        response: { 204: noContent('Removed.'), ...errors(404) },
      },
    },
    async (request, reply) => {
      await removeEndpoint(db, request.params.id);
      return reply.code(204).send();
    },
  );

  app.post(
    '/api/webhooks/:id/rotate-secret',
    {
      schema: {
        operationId: 'rotateWebhookSecret',
        description:
          'During the overlap each delivery carries two `v1,` signatures, so a receiver verifying with either secret accepts it.',
        tags,
        summary:
          'A new secret, shown this once; the previous one keeps signing (both signatures in webhook-signature) for the overlap.',
        params: Params,
        body: Type.Object(
          {
            overlapHours: Type.Optional(
              Type.Integer({
                minimum: 0,
                maximum: 168,
                default: 24,
                description: 'How long the old secret still signs (0: not at all).',
              }),
            ),
          },
          { examples: [{ overlapHours: 24 }] },
        ),
        response: { 200: WithSecret, ...errors(404) },
      },
    },
    async (request) => rotateEndpointSecret(db, request.params.id, request.body.overlapHours ?? 24),
  );

  app.post(
    '/api/webhooks/:id/test',
    {
      schema: {
        operationId: 'testWebhookEndpoint',
        description:
          'Body `{"type":"webhook.test","timestamp":…,"data":{"endpointId":…}}`, signed with the current secrets.',
        tags,
        summary:
          'Sends a signed `webhook.test` event now and answers what the receiver said (nothing is stored).',
        params: Params,
        response: { 200: SendResult, ...errors(404) },
      },
    },
    async (request) => testEndpoint(db, config, request.params.id),
  );

  app.get(
    '/api/webhooks/:id/deliveries',
    {
      schema: {
        operationId: 'listWebhookDeliveries',
        description: '`cursor`: the `nextCursor` of the previous page.',
        tags,
        summary: "The endpoint's deliveries, newest first.",
        params: Params,
        querystring: Type.Object({
          state: Type.Optional(DeliveryState),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
          cursor: Type.Optional(Type.String({ maxLength: 20 })),
        }),
        response: {
          200: Type.Object({ deliveries: Type.Array(Delivery), nextCursor: OrNull }),
          ...errors(400, 404),
        },
      },
    },
    async (request) =>
      listDeliveries(db, request.params.id, {
        state: request.query.state,
        cursor: request.query.cursor,
        limit: request.query.limit ?? 50,
      }),
  );

  app.get(
    '/api/webhooks/:id/deliveries/:deliveryId',
    {
      schema: {
        operationId: 'getWebhookDelivery',
        description:
          'Attempts oldest first. `error` is set when no answer came (refused address, connection, timeout) or the answer was not 2xx.',
        tags,
        summary:
          'One delivery: its body and every attempt (status, the first 2 KB of the answer, duration, error).',
        params: DeliveryParams,
        response: {
          200: Type.Object(
            {
              ...Delivery.properties,
              payload: Type.Unknown({ description: 'The body sent: {type, timestamp, data}.' }),
              attemptLog: Type.Array(
                Type.Object({
                  attemptedAt: Type.String({ format: 'date-time' }),
                  durationMs: Type.Integer(),
                  status: Type.Union([Type.Integer(), Type.Null()]),
                  responseBody: OrNull,
                  error: OrNull,
                }),
              ),
            },
            { title: 'WebhookDeliveryDetail' },
          ),
          ...errors(404),
        },
      },
    },
    async (request) => getDelivery(db, request.params.id, request.params.deliveryId),
  );

  app.post(
    '/api/webhooks/:id/deliveries/:deliveryId/replay',
    {
      schema: {
        operationId: 'replayWebhookDelivery',
        description: 'A delivered one is sent again too: receivers deduplicate by webhook-id.',
        tags,
        summary: 'Sends a delivery again (same webhook-id), with a fresh 3 days of retries.',
        params: DeliveryParams,
        response: { 202: Replayed, ...errors(404) },
      },
    },
    async (request, reply) => {
      reply.code(202);
      return replayOne(db, request.params.id, request.params.deliveryId);
    },
  );

  app.post(
    '/api/webhooks/:id/replay',
    {
      schema: {
        operationId: 'replayFailedWebhookDeliveries',
        description: 'Only deliveries given up on (after 3 days of retries) are sent again, in their order.',
        tags,
        summary: 'Sends again every delivery of the endpoint given up on, created since `since`.',
        params: Params,
        body: Type.Object(
          {
            // An ISO 8601 instant, checked by replaySince (the validator has no formats: an input
            // schema's `format` would only print a warning at start-up, into the JSON log).
            since: Type.String({ minLength: 1, maxLength: 40, description: 'An ISO 8601 instant.' }),
          },
          { examples: [{ since: '2026-12-01T00:00:00Z' }] },
        ),
        response: { 202: Replayed, ...errors(400, 404) },
      },
    },
    async (request, reply) => {
      reply.code(202);
      return replaySince(db, request.params.id, request.body.since);
    },
  );
}
