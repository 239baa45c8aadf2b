// Admin API for forms: define, list, read and replace form definitions.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';
import type { FormInput } from './form-definition.ts';
import { defineForm, getForm, redefineForm } from './manage-forms.ts';
import { listForms } from './store.ts';

const FieldSchema = Type.Object({
  key: Type.String({ maxLength: 40 }),
  type: Type.Union(
    ['text', 'email', 'tel', 'textarea', 'number', 'date', 'checkbox', 'select', 'hidden', 'consent'].map(
      (t) => Type.Literal(t),
    ),
  ),
  label: Type.String({ minLength: 1, maxLength: 500 }),
  required: Type.Optional(Type.Boolean()),
  pattern: Type.Optional(Type.String({ maxLength: 500 })),
  patternMessage: Type.Optional(Type.String({ maxLength: 500 })),
  maxLength: Type.Optional(Type.Integer({ minimum: 1, maximum: 5000 })),
  options: Type.Optional(Type.Array(Type.String({ maxLength: 200 }), { maxItems: 500 })),
  defaultValue: Type.Optional(Type.String({ maxLength: 500 })),
  prefill: Type.Optional(Type.Boolean()),
});
const FormBody = Type.Object({
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
});
const IdParams = Type.Object({ id: Type.String({ maxLength: 64 }) });

export function formRoutes(app: FastifyInstance, deps: { db: Kysely<Database> }): void {
  const { db } = deps;
  app.post<{ Body: FormInput }>(
    '/api/forms',
    {
      schema: {
        tags: ['forms'],
        summary: 'Define a form (fields, duplicate detection, what follows, hosted page).',
        body: FormBody,
      },
    },
    async (request, reply) => reply.code(201).send(await defineForm(db, request.body)),
  );
  app.get('/api/forms', { schema: { tags: ['forms'], summary: 'All forms.' } }, async () => ({
    forms: await listForms(db),
  }));
  app.get<{ Params: { id: string } }>(
    '/api/forms/:id',
    { schema: { tags: ['forms'], summary: 'One form.', params: IdParams } },
    async (request) => getForm(db, request.params.id),
  );
  app.put<{ Params: { id: string }; Body: FormInput }>(
    '/api/forms/:id',
    { schema: { tags: ['forms'], summary: 'Replace a form definition.', params: IdParams, body: FormBody } },
    async (request) => redefineForm(db, request.params.id, request.body),
  );
}
