// Admin API for forms: define, list, read and replace form definitions.

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { errors } from '../api-contract.ts';
import type { Database } from '../storage/schema.ts';
import type { FormInput } from './form-definition.ts';
import { formFigures, MAX_FIGURE_DAYS } from './form-figures.ts';
import { listFormSubmissions } from './form-submissions.ts';
import { defineForm, getForm, redefineForm } from './manage-forms.ts';
import { listForms } from './store.ts';

const FieldSchema = Type.Object({
  key: Type.String({ maxLength: 40 }),
  type: Type.Union([
    Type.Literal('text'),
    Type.Literal('email'),
    Type.Literal('tel'),
    Type.Literal('textarea'),
    Type.Literal('number'),
    Type.Literal('date'),
    Type.Literal('checkbox'),
    Type.Literal('select'),
    Type.Literal('hidden'),
    Type.Literal('consent'),
  ]),
  label: Type.String({ minLength: 1, maxLength: 500 }),
  required: Type.Optional(Type.Boolean()),
  pattern: Type.Optional(Type.String({ maxLength: 500 })),
  patternMessage: Type.Optional(Type.String({ maxLength: 500 })),
  maxLength: Type.Optional(Type.Integer({ minimum: 1, maximum: 5000 })),
  options: Type.Optional(Type.Array(Type.String({ maxLength: 200 }), { maxItems: 500 })),
  defaultValue: Type.Optional(Type.String({ maxLength: 500 })),
  prefill: Type.Optional(Type.Boolean()),
});
const FormBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    websiteId: Type.Optional(Type.Union([Type.String({ maxLength: 64 }), Type.Null()])),
    fields: Type.Array(FieldSchema, { maxItems: 100 }),
    matchRule: Type.Optional(
      Type.Union([
        Type.Literal('email'),
        Type.Literal('name-email-company'),
        Type.Object({ fields: Type.Array(Type.String({ maxLength: 40 }), { minItems: 1, maxItems: 10 }) }),
      ]),
    ),
    onMatch: Type.Optional(Type.Union([Type.Literal('update'), Type.Literal('create')])),
    afterSubmit: Type.Optional(
      Type.Union([
        Type.Object({ kind: Type.Literal('message'), text: Type.String({ minLength: 1, maxLength: 2000 }) }),
        Type.Object({ kind: Type.Literal('redirect'), url: Type.String({ maxLength: 2000 }) }),
      ]),
    ),
    prefill: Type.Optional(Type.Boolean()),
    submitLabel: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    page: Type.Optional(
      Type.Union([
        Type.Object({
          slug: Type.String({ maxLength: 80 }),
          title: Type.String({ minLength: 1, maxLength: 200 }),
          intro: Type.Optional(Type.String({ maxLength: 5000 })),
        }),
        Type.Null(),
      ]),
    ),
    lists: Type.Optional(
      Type.Array(
        Type.Object({
          listId: Type.String({ minLength: 1, maxLength: 64 }),
          consentField: Type.Optional(
            Type.String({ maxLength: 40, description: 'Subscribe only when this consent box is ticked.' }),
          ),
        }),
        { maxItems: 20, description: 'Lists the submitter joins (as their own request: resubscribes).' },
      ),
    ),
    doubleOptIn: Type.Optional(
      Type.Boolean({
        description:
          'Sign-ups wait for the person to confirm by email (one link for every list) before they become a contact; also implied by a list with `doubleOptIn`.',
      }),
    ),
  },
  {
    examples: [
      {
        name: 'Newsletter',
        websiteId: 'k3Jd9QeR1vX2bN7mT0aZpw',
        fields: [
          { key: 'email', type: 'email', label: 'Email', required: true },
          { key: 'firstName', type: 'text', label: 'First name', prefill: true },
        ],
        afterSubmit: { kind: 'message', text: 'Thank you!' },
        page: { slug: 'newsletter', title: 'Join the newsletter' },
      },
    ],
  },
);
const IdParams = Type.Object({ id: Type.String({ maxLength: 64 }) });

const AfterSubmit = Type.Union([
  Type.Object({ kind: Type.Literal('message'), text: Type.String() }),
  Type.Object({ kind: Type.Literal('redirect'), url: Type.String() }),
]);
const FormSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    websiteId: Type.Union([Type.String(), Type.Null()]),
    definition: Type.Object({
      fields: Type.Array(FieldSchema),
      matchFields: Type.Array(Type.String(), { description: 'Contact fields that must all match.' }),
      onMatch: Type.Union([Type.Literal('update'), Type.Literal('create')]),
      afterSubmit: AfterSubmit,
      prefill: Type.Boolean(),
      submitLabel: Type.String(),
      page: Type.Union([
        Type.Object({ slug: Type.String(), title: Type.String(), intro: Type.String() }),
        Type.Null(),
      ]),
      lists: Type.Optional(
        Type.Array(Type.Object({ listId: Type.String(), consentField: Type.Optional(Type.String()) })),
      ),
      doubleOptIn: Type.Optional(Type.Boolean()),
    }),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { title: 'Form' },
);
const definitionErrors = errors(
  [400, 'The definition is malformed: `details.problems` names every problem.'],
  [409, 'The page slug is used by another form.'],
  [422, 'A field pattern RE2 cannot run, a redirect URL that cannot be stored, or an unknown list.'],
  503,
);

const Count = Type.Integer({ minimum: 0 });
const FormFiguresSchema = Type.Object(
  {
    formId: Type.String(),
    from: Type.String(),
    to: Type.String(),
    views: Type.Integer({
      minimum: 0,
      description: 'Times the form was shown (embed loads, hosted page views).',
    }),
    submissions: Type.Integer({ minimum: 0, description: 'Submissions received (total, not unique).' }),
    conversionRate: Type.Union([Type.Number({ minimum: 0 }), Type.Null()], {
      description: 'submissions ÷ views in the period; null without views.',
    }),
    contactsCreated: Count,
    contactsUpdated: Count,
    days: Type.Array(
      Type.Object({ day: Type.String(), views: Count, submissions: Count, created: Count, updated: Count }),
      { description: 'Every day of the period (UTC), oldest first.' },
    ),
  },
  {
    title: 'FormFigures',
    examples: [
      {
        formId: 'f0rMIdXyZ12345678abcde',
        from: '2026-05-01',
        to: '2026-05-02',
        views: 40,
        submissions: 6,
        conversionRate: 0.15,
        contactsCreated: 4,
        contactsUpdated: 2,
        days: [
          { day: '2026-05-01', views: 25, submissions: 4, created: 3, updated: 1 },
          { day: '2026-05-02', views: 15, submissions: 2, created: 1, updated: 1 },
        ],
      },
    ],
  },
);
const FormSubmissionSchema = Type.Object(
  {
    id: Type.String(),
    receivedAt: Type.String({ format: 'date-time' }),
    status: Type.Union([Type.Literal('pending'), Type.Literal('processed'), Type.Literal('failed')]),
    outcome: Type.Union([Type.Literal('created'), Type.Literal('updated'), Type.Null()]),
    contactId: Type.Union([Type.String(), Type.Null()]),
    anonymous: Type.Boolean({
      description: 'Submitted without tracking consent: the browser was not linked.',
    }),
    values: Type.Record(Type.String(), Type.Union([Type.String(), Type.Null()])),
    consents: Type.Record(Type.String(), Type.Boolean()),
    error: Type.Union([Type.String(), Type.Null()], { description: 'Why processing failed.' }),
  },
  { title: 'FormSubmission' },
);

export function formRoutes(scope: FastifyInstance, deps: { db: Kysely<Database> }): void {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = deps;
  app.post(
    '/api/forms',
    {
      schema: {
        operationId: 'createForm',
        tags: ['forms'],
        summary: 'Define a form (fields, duplicate detection, what follows, hosted page).',
        description: 'docs/forms.md explains every part of a definition.',
        body: FormBody,
        response: { 201: FormSchema, ...definitionErrors },
      },
    },
    async (request, reply) => reply.code(201).send(await defineForm(db, request.body as FormInput)),
  );
  app.get(
    '/api/forms',
    {
      schema: {
        operationId: 'listForms',
        tags: ['forms'],
        summary: 'All forms.',
        description: 'Every form with its definition.',
        response: { 200: Type.Object({ forms: Type.Array(FormSchema) }), ...errors(503) },
      },
    },
    async () => ({ forms: await listForms(db) }),
  );
  app.get(
    '/api/forms/:id',
    {
      schema: {
        operationId: 'getForm',
        tags: ['forms'],
        summary: 'One form.',
        description: 'A form by its id, with its definition.',
        params: IdParams,
        response: { 200: FormSchema, ...errors(404, 503) },
      },
    },
    async (request) => getForm(db, request.params.id),
  );
  app.put(
    '/api/forms/:id',
    {
      schema: {
        operationId: 'replaceForm',
        tags: ['forms'],
        summary: 'Replace a form definition.',
        description: 'The whole definition is replaced; submissions already made keep what they recorded.',
        params: IdParams,
        body: FormBody,
        response: { 200: FormSchema, ...errors(404), ...definitionErrors },
      },
    },
    async (request) => redefineForm(db, request.params.id, request.body as FormInput),
  );
  app.get(
    '/api/forms/:id/figures',
    {
      schema: {
        operationId: 'getFormFigures',
        tags: ['forms'],
        summary: "A form's views, submissions, conversion rate and contacts created or updated, per day.",
        description: `From the form's daily counters (UTC days, \`from\` to \`to\` inclusive, at most ${MAX_FIGURE_DAYS} days). Views counted since the counters exist (upgrade: submissions before it are counted, views are not).`,
        params: IdParams,
        querystring: Type.Object({
          from: Type.String({
            maxLength: 10,
            description: 'First day, YYYY-MM-DD (UTC)',
            examples: ['2026-05-01'],
          }),
          to: Type.String({
            maxLength: 10,
            description: 'Last day, YYYY-MM-DD (UTC), inclusive',
            examples: ['2026-05-31'],
          }),
        }),
        response: { 200: FormFiguresSchema, ...errors(404, 503) },
      },
    },
    async (request) => formFigures(db, request.params.id, request.query.from, request.query.to),
  );
  app.get(
    '/api/forms/:id/submissions',
    {
      schema: {
        operationId: 'listFormSubmissions',
        tags: ['forms'],
        summary: "A form's submissions, newest first: values, consents, outcome and contact.",
        description: 'Pass `nextCursor` back as `cursor` for the next page; it is null on the last one.',
        params: IdParams,
        querystring: Type.Object({
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
          cursor: Type.Optional(Type.String({ maxLength: 100 })),
        }),
        response: {
          200: Type.Object(
            {
              submissions: Type.Array(FormSubmissionSchema),
              nextCursor: Type.Union([Type.String(), Type.Null()]),
            },
            { title: 'FormSubmissionPage' },
          ),
          ...errors(404, 503),
        },
      },
    },
    async (request) =>
      listFormSubmissions(db, request.params.id, {
        limit: request.query.limit ?? 50,
        cursor: request.query.cursor,
      }),
  );
}
