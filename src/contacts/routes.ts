// Admin API for contacts and custom contact fields.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';
import type { ContactValues, CustomFieldDefinition, EmailPermissions } from './contact.ts';
import {
  changeContact,
  createContact,
  defineCustomField,
  getContact,
  listContacts,
} from './manage-contacts.ts';
import { listCustomFields } from './store.ts';

const Text = Type.Optional(Type.Union([Type.String({ maxLength: 1000 }), Type.Null()]));
const ContactBody = Type.Object({
  email: Text,
  firstName: Text,
  lastName: Text,
  company: Text,
  phone: Text,
  jobTitle: Text,
  country: Text,
  custom: Type.Optional(
    Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()])),
  ),
  emailTracking: Type.Optional(
    Type.Union([Type.Boolean(), Type.Null()], {
      description: "Email open/click tracking: the contact's own choice, or null for the install default.",
    }),
  ),
  doNotEmail: Type.Optional(Type.Boolean({ description: 'Never send this contact marketing email.' })),
});
type ContactBodyValues = ContactValues & EmailPermissions;
const IdParams = Type.Object({ id: Type.String({ maxLength: 64 }) });

export function contactRoutes(app: FastifyInstance, deps: { db: Kysely<Database> }) {
  const { db } = deps;

  app.post<{ Body: ContactBodyValues }>(
    '/api/contacts',
    { schema: { tags: ['contacts'], summary: 'Create a contact.', body: ContactBody } },
    async (request, reply) => reply.code(201).send(await createContact(db, request.body)),
  );

  app.get<{ Querystring: { q?: string; limit?: number; cursor?: string } }>(
    '/api/contacts',
    {
      schema: {
        tags: ['contacts'],
        summary: 'Search and page through contacts (oldest first).',
        querystring: Type.Object({
          q: Type.Optional(Type.String({ maxLength: 200, description: 'matches email, names and company' })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
          cursor: Type.Optional(Type.String({ maxLength: 100 })),
        }),
      },
    },
    async (request) =>
      listContacts(db, {
        search: request.query.q,
        limit: request.query.limit ?? 50,
        cursor: request.query.cursor,
      }),
  );

  app.get<{ Params: { id: string } }>(
    '/api/contacts/:id',
    { schema: { tags: ['contacts'], summary: 'One contact.', params: IdParams } },
    async (request) => getContact(db, request.params.id),
  );

  app.patch<{ Params: { id: string }; Body: ContactBodyValues }>(
    '/api/contacts/:id',
    {
      schema: {
        tags: ['contacts'],
        summary: 'Change some fields of a contact (null clears).',
        params: IdParams,
        body: ContactBody,
      },
    },
    async (request) => changeContact(db, request.params.id, request.body),
  );

  app.get(
    '/api/contact-fields',
    { schema: { tags: ['contacts'], summary: 'Custom contact fields.' } },
    async () => ({
      fields: await listCustomFields(db),
    }),
  );

  app.post<{ Body: CustomFieldDefinition }>(
    '/api/contact-fields',
    {
      schema: {
        tags: ['contacts'],
        summary: 'Define a custom contact field.',
        body: Type.Object({
          key: Type.String({ maxLength: 40 }),
          label: Type.String({ minLength: 1, maxLength: 200 }),
          type: Type.Union([
            Type.Literal('text'),
            Type.Literal('number'),
            Type.Literal('boolean'),
            Type.Literal('date'),
          ]),
        }),
      },
    },
    async (request, reply) => reply.code(201).send(await defineCustomField(db, request.body)),
  );
}
