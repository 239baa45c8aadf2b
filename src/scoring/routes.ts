// Admin API for lead scoring: models with drafts, preview and publish; a contact's scores explained,
// manual adjustments and clearing sales-ready; insights and the sales-ready list (JSON and CSV).
import { Readable } from 'node:stream';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { type TSchema, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { actorOf } from '../access/principal.ts';
import { errors, media } from '../api-contract.ts';
import { csvRow } from '../lib/csv-row.ts';
import { AppError } from '../lib/errors.ts';
import type { InteractionRegistry } from '../platform/interactions/registry.ts';
import type { Database } from '../storage/schema.ts';
import {
  adjustScore,
  archiveModel,
  clearSalesReady,
  contactScores,
  createModel,
  discardDraft,
  getModel,
  listModels,
  modelInsights,
  previewDraft,
  publishDraft,
  salesReadyList,
  saveDraft,
} from './manage-models.ts';
import { type CONDITION_TYPES, FIELD_OPERATORS, LIMITS, type ModelSpec } from './model-rules.ts';

const Id = Type.String({ minLength: 1, maxLength: 64 });
const IdParams = Type.Object({ id: Id });
const ScoreParams = Type.Object({ id: Id, modelId: Id });
const Text = (max: number, description?: string) =>
  Type.String({ minLength: 1, maxLength: max, ...(description ? { description } : {}) });
const OptionalId = (description: string) =>
  Type.Optional(Type.String({ minLength: 1, maxLength: 64, description }));
const Glob = (description: string) => Type.String({ minLength: 1, maxLength: LIMITS.pattern, description });
const condition = (
  type: (typeof CONDITION_TYPES)[number],
  fields: Record<string, TSchema>,
  description: string,
) => Type.Object({ type: Type.Literal(type), ...fields }, { description });

// No `additionalProperties: false` in a union's members: the validator strips unknown properties while it
// tries each member, and would leave the right one without its fields.
const Condition = Type.Union([
  condition(
    'page_visit',
    { urlPattern: Glob('A glob over the visit’s entry path: `*` is any run of characters.') },
    'A visit whose entry page matches.',
  ),
  condition(
    'engaged_time',
    { seconds: Type.Integer({ minimum: 1, maximum: 86_400 }) },
    'A visit with at least this engaged time.',
  ),
  condition(
    'campaign_visit',
    {
      utmSource: Type.Optional(Text(200)),
      utmMedium: Type.Optional(Text(200)),
      utmCampaign: Type.Optional(Text(200)),
    },
    'A visit from a campaign: each UTM value given must match (any case); none given: any tagged visit.',
  ),
  condition('form_submitted', { formId: OptionalId('Only this form.') }, 'A form submitted.'),
  condition(
    'email_opened',
    { messageId: OptionalId('Only this message.') },
    'An email opened (machine opens never count).',
  ),
  condition(
    'email_clicked',
    {
      messageId: OptionalId('Only this message.'),
      linkPattern: Type.Optional(Glob('Only links whose URL matches this glob.')),
    },
    'A link in an email clicked (scanner clicks never count).',
  ),
  condition('unsubscribed', { listId: OptionalId('Only this list.') }, 'Left a list.'),
  condition('offer_claimed', { offerId: OptionalId('Only this offer.') }, 'An offer claimed.'),
  condition('event_registered', { eventId: OptionalId('Only this event.') }, 'Registered for an event.'),
  condition('event_attended', { eventId: OptionalId('Only this event.') }, 'Checked in at an event.'),
  condition(
    'contact_field',
    {
      field: Text(100, 'A contact field: job_title, country, company, … or a custom field’s key.'),
      operator: Type.Union(FIELD_OPERATORS.map((op) => Type.Literal(op))),
      value: Type.Optional(Type.Union([Type.String({ maxLength: 500 }), Type.Number()])),
    },
    'Fit: the contact’s field (held while it holds; no decay).',
  ),
]);
const Rule = Type.Object(
  {
    id: Type.String({
      pattern: '^[A-Za-z0-9_-]{1,40}$',
      description: 'Stable within the model: ledger rows name it.',
    }),
    name: Text(LIMITS.name),
    condition: Condition,
    points: Type.Integer({
      minimum: -LIMITS.points,
      maximum: LIMITS.points,
      description: 'Negative takes points away; not 0.',
    }),
    frequency: Type.Union([Type.Literal('each'), Type.Literal('first')], {
      description: 'Each time, or the first time only.',
    }),
    maxPerDay: Type.Optional(
      Type.Union([Type.Integer({ minimum: 1 }), Type.Null()], {
        description: 'Awards per contact per UTC day.',
      }),
    ),
    maxPoints: Type.Optional(
      Type.Union([Type.Integer({ minimum: 1 }), Type.Null()], {
        description: 'Points from this rule per contact, expired ones apart.',
      }),
    ),
  },
  { additionalProperties: false },
);
const Decay = Type.Union([
  Type.Object({ type: Type.Literal('none') }),
  Type.Object(
    { type: Type.Literal('expiry'), days: Type.Integer({ minimum: 1, maximum: LIMITS.days }) },
    { description: 'Each award counts for this many days after its interaction.' },
  ),
  Type.Object(
    { type: Type.Literal('half_life'), days: Type.Integer({ minimum: 1, maximum: LIMITS.days }) },
    { description: 'Each award halves every this many days.' },
  ),
]);
const ModelSpecSchema = Type.Object(
  {
    rules: Type.Array(Rule, { maxItems: LIMITS.rules }),
    decay: Decay,
    grades: Type.Array(
      Type.Object({ name: Text(40), min: Type.Integer() }, { additionalProperties: false }),
      {
        maxItems: LIMITS.grades,
        description:
          'Highest first; each grade runs from its `min` up to the next one’s; the last holds everything below.',
      },
    ),
    salesReadyThreshold: Type.Union([Type.Integer(), Type.Null()]),
    maxScore: Type.Optional(
      Type.Union([Type.Integer({ minimum: 1 }), Type.Null()], { description: 'Cap on engagement points.' }),
    ),
  },
  { additionalProperties: false, title: 'ScoringModelSpec' },
);
const specExample = {
  rules: [
    {
      id: 'pricing',
      name: 'Pricing page visit',
      condition: { type: 'page_visit', urlPattern: '/pricing*' },
      points: 10,
      frequency: 'each',
      maxPerDay: 3,
    },
    {
      id: 'webinar',
      name: 'Webinar registration',
      condition: { type: 'event_registered' },
      points: 15,
      frequency: 'each',
    },
    { id: 'unsub', name: 'Unsubscribed', condition: { type: 'unsubscribed' }, points: -3, frequency: 'each' },
    {
      id: 'director',
      name: 'Director',
      condition: { type: 'contact_field', field: 'job_title', operator: 'contains', value: 'director' },
      points: 20,
      frequency: 'first',
    },
  ],
  decay: { type: 'expiry', days: 90 },
  grades: [
    { name: 'A', min: 80 },
    { name: 'B', min: 50 },
    { name: 'C', min: 20 },
    { name: 'D', min: 0 },
  ],
  salesReadyThreshold: 60,
  maxScore: null,
};
const Version = Type.Object({
  id: Type.String(),
  number: Type.Integer(),
  state: Type.Union([
    Type.Literal('draft'),
    Type.Literal('publishing'),
    Type.Literal('published'),
    Type.Literal('retired'),
  ]),
  model: ModelSpecSchema,
  progress: Type.Union([Type.Object({ done: Type.Integer(), total: Type.Integer() }), Type.Null()], {
    description: 'Contacts recomputed so far, while publishing.',
  }),
  publishedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});
const OrVersion = Type.Union([Version, Type.Null()]);
const Model = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    archived: Type.Boolean(),
    published: OrVersion,
    publishing: OrVersion,
    draft: OrVersion,
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { title: 'ScoringModel' },
);
const Score = Type.Object(
  {
    modelId: Type.String(),
    modelName: Type.String(),
    score: Type.Integer(),
    grade: Type.Union([Type.String(), Type.Null()]),
    salesReady: Type.Boolean(),
    salesReadySince: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    explanation: Type.Object({
      text: Type.String({ description: '"42 = 3 × Pricing page visit (10) + …, 6 points expired"' }),
      score: Type.Integer(),
      expiredPoints: Type.Integer({ description: 'Points awarded that no longer count.' }),
      parts: Type.Array(
        Type.Object({
          ruleId: Type.Union([Type.String(), Type.Null()], { description: 'null: a manual adjustment.' }),
          label: Type.String(),
          awards: Type.Integer(),
          points: Type.Number(),
        }),
      ),
    }),
    salesReadyHistory: Type.Array(
      Type.Object({
        change: Type.Union([Type.Literal('became'), Type.Literal('cleared')]),
        score: Type.Integer(),
        at: Type.String({ format: 'date-time' }),
        author: Type.Union([Type.String(), Type.Null()]),
        reason: Type.Union([Type.String(), Type.Null()]),
      }),
    ),
    computedAt: Type.String({ format: 'date-time' }),
  },
  { title: 'ContactScore' },
);
const Preview = Type.Object(
  {
    contacts: Type.Integer({ description: 'Contacts looked at.' }),
    changed: Type.Integer({ description: 'Contacts whose score would change.' }),
    becomeSalesReady: Type.Integer({ description: 'Contacts who would become sales-ready.' }),
  },
  { title: 'ScoringPreview' },
);
const SalesReadyContact = Type.Object({
  contactId: Type.String(),
  email: Type.Union([Type.String(), Type.Null()]),
  firstName: Type.Union([Type.String(), Type.Null()]),
  lastName: Type.Union([Type.String(), Type.Null()]),
  company: Type.Union([Type.String(), Type.Null()]),
  jobTitle: Type.Union([Type.String(), Type.Null()]),
  country: Type.Union([Type.String(), Type.Null()]),
  score: Type.Integer(),
  grade: Type.Union([Type.String(), Type.Null()]),
  salesReadySince: Type.String({ format: 'date-time' }),
});
const invalid: [number, string] = [422, 'The model is not valid (`details.fields` names each problem).'];
const notPublished: [number, string] = [
  409,
  'The model is not published, or the state does not allow this (the message says why).',
];

function actor(request: { principal?: Parameters<typeof actorOf>[0] | null }): string {
  if (!request.principal) throw new AppError('unauthorized', 'Sign in first.');
  return actorOf(request.principal).label;
}

export function scoringRoutes(
  scope: FastifyInstance,
  deps: { db: Kysely<Database>; feed: InteractionRegistry },
): void {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  const { db, feed } = deps;
  const tags = ['scoring'];

  app.post(
    '/api/scoring/models',
    {
      schema: {
        operationId: 'createScoringModel',
        tags,
        summary: 'Create a scoring model (as a draft).',
        description: 'Publish it to start scoring (publishScoringModel).',
        body: Type.Object(
          { name: Text(LIMITS.name), model: ModelSpecSchema },
          { examples: [{ name: 'Product A', model: specExample }] },
        ),
        response: { 201: Model, ...errors(invalid, 503) },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await createModel(db, { name: request.body.name, model: request.body.model as ModelSpec })),
  );

  app.get(
    '/api/scoring/models',
    {
      schema: {
        operationId: 'listScoringModels',
        tags,
        summary:
          'The scoring models (at most 500), each with its published version, draft and any publish under way.',
        description: 'Oldest first; archived ones included (`archived`).',
        response: { 200: Type.Object({ models: Type.Array(Model) }), ...errors(503) },
      },
    },
    async () => ({ models: await listModels(db) }),
  );

  app.get(
    '/api/scoring/models/:id',
    {
      schema: {
        operationId: 'getScoringModel',
        tags,
        summary: 'One scoring model.',
        description:
          'While a version is being published, `publishing.progress` says how many contacts are recomputed.',
        params: IdParams,
        response: { 200: Model, ...errors(404, 503) },
      },
    },
    async (request) => getModel(db, request.params.id),
  );

  app.put(
    '/api/scoring/models/:id/draft',
    {
      schema: {
        operationId: 'saveScoringModelDraft',
        tags,
        summary: 'Write the model’s draft (a published version never changes; publish the draft to use it).',
        description:
          'The first edit after a publish starts a new draft version; later ones change it. Every problem of the model is answered at once (422, `details.fields`).',
        params: IdParams,
        body: Type.Object(
          { name: Type.Optional(Text(LIMITS.name)), model: ModelSpecSchema },
          { examples: [{ model: specExample }] },
        ),
        response: { 200: Model, ...errors(404, [409, 'The model is archived.'], invalid, 503) },
      },
    },
    async (request) => saveDraft(db, request.params.id, request.body as { name?: string; model: ModelSpec }),
  );

  app.delete(
    '/api/scoring/models/:id/draft',
    {
      schema: {
        operationId: 'discardScoringModelDraft',
        tags,
        summary: 'Discard the model’s draft.',
        description: 'The published version, and any publish under way, stay.',
        params: IdParams,
        response: { 200: Model, ...errors(404, 503) },
      },
    },
    async (request) => discardDraft(db, request.params.id),
  );

  app.post(
    '/api/scoring/models/:id/preview',
    {
      schema: {
        operationId: 'previewScoringModel',
        tags,
        summary:
          'What publishing the draft would do: how many scores change, how many contacts become sales-ready.',
        description:
          'Computed from every contact’s history now, in memory; nothing is written. On a large install it takes a while.',
        params: IdParams,
        response: { 200: Preview, ...errors(404, [409, 'The model has no draft.'], 503) },
      },
    },
    async (request) => previewDraft(db, feed, request.params.id),
  );

  app.post(
    '/api/scoring/models/:id/publish',
    {
      schema: {
        operationId: 'publishScoringModel',
        tags,
        summary:
          'Publish the draft: a job recomputes every contact from their history, then the draft replaces the published version.',
        description:
          'Ingestion goes on meanwhile: new interactions score under both versions, none lost or counted twice. Follow `publishing.progress` with getScoringModel.',
        params: IdParams,
        response: {
          202: Model,
          ...errors(404, [409, 'No draft, the model is archived, or a publish is under way.'], 503),
        },
      },
    },
    async (request, reply) => reply.code(202).send(await publishDraft(db, request.params.id)),
  );

  app.post(
    '/api/scoring/models/:id/archive',
    {
      schema: {
        operationId: 'archiveScoringModel',
        tags,
        summary: 'Archive a model: it stops scoring; its ledger and sales-ready history stay.',
        description: 'Idempotent. An archived model is neither edited nor published again.',
        params: IdParams,
        response: { 200: Model, ...errors(404, 503) },
      },
    },
    async (request) => archiveModel(db, request.params.id),
  );

  app.get(
    '/api/scoring/models/:id/insights',
    {
      schema: {
        operationId: 'getScoringInsights',
        tags,
        summary:
          'Score distribution (buckets of 10 points), contacts per grade, and sales-ready contacts per day.',
        description:
          'From the published version’s scores; `salesReadyOverTime` counts contacts holding the status at the end of each UTC day, and those who became sales-ready that day.',
        params: IdParams,
        querystring: Type.Object({
          days: Type.Optional(Type.Integer({ minimum: 1, maximum: 366, default: 30 })),
        }),
        response: {
          200: Type.Object(
            {
              modelId: Type.String(),
              scored: Type.Integer(),
              grades: Type.Array(
                Type.Object({ grade: Type.Union([Type.String(), Type.Null()]), contacts: Type.Integer() }),
              ),
              distribution: Type.Array(Type.Object({ from: Type.Integer(), contacts: Type.Integer() })),
              salesReadyOverTime: Type.Array(
                Type.Object({
                  day: Type.String({ format: 'date' }),
                  salesReady: Type.Integer(),
                  became: Type.Integer(),
                }),
              ),
            },
            { title: 'ScoringInsights' },
          ),
          ...errors(404, 503),
        },
      },
    },
    async (request) => modelInsights(db, request.params.id, request.query.days ?? 30),
  );

  const listQuery = Type.Object({
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
  });
  app.get(
    '/api/scoring/models/:id/sales-ready',
    {
      schema: {
        operationId: 'listSalesReadyContacts',
        tags,
        summary: 'The model’s sales-ready contacts, most recent first.',
        description:
          'Each with their current score and grade; pass `nextCursor` as `cursor` for the next page.',
        params: IdParams,
        querystring: listQuery,
        response: {
          200: Type.Object({
            contacts: Type.Array(SalesReadyContact),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
          ...errors(400, 404, 503),
        },
      },
    },
    async (request) => salesReadyList(db, request.params.id, request.query.limit ?? 50, request.query.cursor),
  );

  app.get(
    '/api/scoring/models/:id/sales-ready.csv',
    {
      schema: {
        operationId: 'exportSalesReadyContacts',
        tags,
        summary: 'Every sales-ready contact of the model, as CSV.',
        description: `Columns: ${CSV_COLUMNS.join(', ')}. Text a spreadsheet would run as a formula is prefixed with an apostrophe.`,
        params: IdParams,
        response: { 200: media('text/csv', 'The contacts, a header line first.'), ...errors(404, 503) },
      },
    },
    async (request, reply) => {
      await salesReadyList(db, request.params.id, 1);
      const name = `sales-ready-${request.params.id.replace(/[^A-Za-z0-9_-]/g, '')}.csv`;
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${name}"`)
        .send(Readable.from(salesReadyCsv(db, request.params.id)));
    },
  );

  app.get(
    '/api/contacts/:id/scores',
    {
      schema: {
        operationId: 'getContactScores',
        tags,
        summary: 'The contact’s score in each published model, with its explanation and sales-ready history.',
        description:
          'Read from the ledger at the time of the request, so decay shows even before the decay job has stored it.',
        params: IdParams,
        response: { 200: Type.Object({ scores: Type.Array(Score) }), ...errors(404, 503) },
      },
    },
    async (request) => ({ scores: await contactScores(db, request.params.id) }),
  );

  app.post(
    '/api/contacts/:id/scores/:modelId/adjustments',
    {
      schema: {
        operationId: 'adjustContactScore',
        tags,
        summary: 'Add or take away points by hand, with a reason (a ledger row naming who did it).',
        description: 'Counted like any award (no decay); may make the contact sales-ready.',
        params: ScoreParams,
        body: Type.Object(
          {
            points: Type.Integer({ minimum: -LIMITS.points, maximum: LIMITS.points, not: Type.Literal(0) }),
            reason: Text(500, 'Why, for whoever reads the score later.'),
          },
          { examples: [{ points: 20, reason: 'Met at the trade fair, asked for a demo' }] },
        ),
        response: { 200: Score, ...errors(404, notPublished, 503) },
      },
    },
    async (request) =>
      adjustScore(db, {
        contactId: request.params.id,
        modelId: request.params.modelId,
        points: request.body.points,
        reason: request.body.reason,
        author: actor(request),
      }),
  );

  app.post(
    '/api/contacts/:id/scores/:modelId/clear-sales-ready',
    {
      schema: {
        operationId: 'clearContactSalesReady',
        tags,
        summary:
          'End the contact’s sales-ready status (it stays until cleared; it comes back when the score reaches the threshold again).',
        description:
          'It stays until cleared; it comes back when the score reaches the threshold again. 409 when the contact is not sales-ready.',
        params: ScoreParams,
        body: Type.Object(
          { reason: Type.Optional(Type.String({ maxLength: 500 })) },
          { examples: [{ reason: 'Handed to sales' }] },
        ),
        response: { 200: Score, ...errors(404, notPublished, 503) },
      },
    },
    async (request) =>
      clearSalesReady(db, {
        contactId: request.params.id,
        modelId: request.params.modelId,
        reason: request.body.reason?.trim() || null,
        author: actor(request),
      }),
  );
}

const CSV_COLUMNS = [
  'contact_id',
  'email',
  'first_name',
  'last_name',
  'company',
  'job_title',
  'country',
  'score',
  'grade',
  'sales_ready_since',
];

async function* salesReadyCsv(db: Kysely<Database>, modelId: string): AsyncGenerator<string> {
  yield csvRow(CSV_COLUMNS);
  let cursor: string | undefined;
  for (;;) {
    const page = await salesReadyList(db, modelId, 500, cursor);
    for (const c of page.contacts)
      yield csvRow([
        c.contactId,
        c.email,
        c.firstName,
        c.lastName,
        c.company,
        c.jobTitle,
        c.country,
        c.score,
        c.grade,
        c.salesReadySince,
      ]);
    if (!page.nextCursor) return;
    cursor = page.nextCursor;
  }
}
