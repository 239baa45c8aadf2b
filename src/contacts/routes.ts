// Admin API for contacts and custom contact fields.

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { errors } from '../api-contract.ts';
import { AppError } from '../lib/errors.ts';
import type { Database } from '../storage/schema.ts';
import type { ContactValues, EmailPermissions } from './contact.ts';
import {
  type ContactFieldUsers,
  changeContact,
  createContact,
  defineCustomField,
  getContact,
  listContacts,
  relabelCustomField,
  removeCustomField,
} from './manage-contacts.ts';
import { listCustomFields } from './store.ts';

const Text = Type.Optional(Type.Union([Type.String({ maxLength: 1000 }), Type.Null()]));
const CustomValue = Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()]);
const ContactBody = Type.Object(
  {
    email: Text,
    firstName: Text,
    lastName: Text,
    company: Text,
    phone: Text,
    jobTitle: Text,
    country: Text,
    custom: Type.Optional(Type.Record(Type.String(), CustomValue)),
    emailTracking: Type.Optional(
      Type.Union([Type.Boolean(), Type.Null()], {
        description: "Email open/click tracking: the contact's own choice, or null for the install default.",
      }),
    ),
    doNotEmail: Type.Optional(Type.Boolean({ description: 'Never send this contact marketing email.' })),
  },
  {
    examples: [
      {
        email: 'ann@shop.example',
        firstName: 'Ann',
        company: 'Shop',
        custom: { plan: 'pro' },
        emailTracking: null,
      },
    ],
  },
);
type ContactBodyValues = ContactValues & EmailPermissions;
const IdParams = Type.Object({ id: Type.String({ maxLength: 64 }) });
const OrNull = Type.Union([Type.String(), Type.Null()]);

/** A contact as every contacts operation answers it. */
export const ContactSchema = Type.Object(
  {
    id: Type.String(),
    email: OrNull,
    firstName: OrNull,
    lastName: OrNull,
    company: OrNull,
    phone: OrNull,
    jobTitle: OrNull,
    country: OrNull,
    custom: Type.Record(Type.String(), CustomValue, { description: 'Custom field values by key.' }),
    prefillAllowed: Type.Boolean({ description: 'The contact ticked "remember me": forms may prefill.' }),
    emailTracking: Type.Union([Type.Boolean(), Type.Null()]),
    doNotEmail: Type.Boolean(),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  {
    title: 'Contact',
    examples: [
      {
        id: 'c0Nt4ctIdXyZ12345678ab',
        email: 'ann@shop.example',
        firstName: 'Ann',
        lastName: null,
        company: 'Shop',
        phone: null,
        jobTitle: null,
        country: null,
        custom: { plan: 'pro' },
        prefillAllowed: false,
        emailTracking: null,
        doNotEmail: false,
        createdAt: '2026-05-01T09:30:00.000Z',
        updatedAt: '2026-05-01T09:30:00.000Z',
      },
    ],
  },
);
const FieldType = Type.Union([
  Type.Literal('text'),
  Type.Literal('number'),
  Type.Literal('boolean'),
  Type.Literal('date'),
]);
const CustomField = Type.Object(
  { key: Type.String(), label: Type.String(), type: FieldType },
  { title: 'CustomField', examples: [{ key: 'plan', label: 'Plan', type: 'text' }] },
);

const FieldKeyParams = Type.Object({ key: Type.String({ maxLength: 40 }) });

export function contactRoutes(
  scope: FastifyInstance,
  deps: {
    db: Kysely<Database>;
    /** The list and search of contacts (storage.reads: off the event loop on SQLite); the rest on `db`. */
    reads: Kysely<Database>;
    fieldUsers: ContactFieldUsers;
  },
) {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  const { db, reads } = deps;

  app.post(
    '/api/contacts',
    {
      schema: {
        operationId: 'createContact',
        tags: ['contacts'],
        summary: 'Create a contact.',
        description:
          'Every field is optional; custom values must match their field types. Invalid values answer 422 with `details.fields`; an email another contact has answers 409.',
        body: ContactBody,
        response: { 201: ContactSchema, ...errors(409, 422, 503) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await createContact(db, request.body as ContactBodyValues)),
  );

  app.get(
    '/api/contacts',
    {
      schema: {
        operationId: 'listContacts',
        tags: ['contacts'],
        summary: 'Search, filter and page through contacts (oldest first, or newest first).',
        description:
          'Search: every word of `q` must be the start of the email, of its domain (`@shop.example`), of the first or last name, or of the company (case-insensitive prefixes on indexes, so it can run per keystroke). Filters combine (all must hold). Pass `nextCursor` back as `cursor` for the next page (with the same `order`); it is null on the last one.',
        querystring: Type.Object({
          q: Type.Optional(
            Type.String({
              maxLength: 200,
              description: 'words matching the start of email, domain, names or company',
              examples: ['ann', '@shop.example'],
            }),
          ),
          list: Type.Optional(Type.String({ maxLength: 64, description: 'only members of this list' })),
          listStatus: Type.Optional(
            Type.Union([Type.Literal('subscribed'), Type.Literal('unsubscribed')], {
              description: 'with `list`: only members of this status on it',
            }),
          ),
          visitedSince: Type.Optional(
            Type.String({
              maxLength: 40,
              description:
                'an ISO 8601 instant: only contacts seen on a website as themselves (an identified visit) since then',
              examples: ['2026-05-01T00:00:00Z'],
            }),
          ),
          bounced: Type.Optional(
            Type.Boolean({ description: 'only contacts with a bounce on a send or a suppressed address' }),
          ),
          unsubscribed: Type.Optional(
            Type.Boolean({ description: 'only contacts who unsubscribed from at least one list' }),
          ),
          order: Type.Optional(
            Type.Union([Type.Literal('oldest'), Type.Literal('newest')], { default: 'oldest' }),
          ),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
          cursor: Type.Optional(Type.String({ maxLength: 100 })),
        }),
        response: {
          200: Type.Object({ contacts: Type.Array(ContactSchema), nextCursor: OrNull }),
          ...errors(503),
        },
      },
    },
    async (request) => {
      const { query } = request;
      const visitedSince = query.visitedSince === undefined ? undefined : Date.parse(query.visitedSince);
      if (Number.isNaN(visitedSince))
        throw new AppError('bad_request', 'visitedSince must be a date and time (ISO 8601).');
      return listContacts(reads, {
        search: query.q,
        filters: {
          ...(query.list !== undefined ? { listId: query.list } : {}),
          ...(query.listStatus !== undefined ? { listStatus: query.listStatus } : {}),
          ...(visitedSince !== undefined ? { visitedSince } : {}),
          ...(query.bounced ? { bounced: true } : {}),
          ...(query.unsubscribed ? { unsubscribed: true } : {}),
        },
        order: query.order ?? 'oldest',
        limit: query.limit ?? 50,
        cursor: query.cursor,
      });
    },
  );

  app.get(
    '/api/contacts/:id',
    {
      schema: {
        operationId: 'getContact',
        tags: ['contacts'],
        summary: 'One contact.',
        description: 'A contact by its id.',
        params: IdParams,
        response: { 200: ContactSchema, ...errors(404, 503) },
      },
    },
    async (request) => getContact(db, request.params.id),
  );

  app.patch(
    '/api/contacts/:id',
    {
      schema: {
        operationId: 'changeContact',
        tags: ['contacts'],
        summary: 'Change some fields of a contact (null clears).',
        description: 'Fields left out keep their values; invalid values answer 422 with `details.fields`.',
        params: IdParams,
        body: ContactBody,
        response: { 200: ContactSchema, ...errors(404, 409, 422, 503) },
      },
    },
    async (request) => changeContact(db, request.params.id, request.body as ContactBodyValues),
  );

  app.get(
    '/api/contact-fields',
    {
      schema: {
        operationId: 'listContactFields',
        tags: ['contacts'],
        summary: 'Custom contact fields.',
        description: 'Every custom field defined on this install, by key.',
        response: { 200: Type.Object({ fields: Type.Array(CustomField) }), ...errors(503) },
      },
    },
    async () => ({ fields: await listCustomFields(db) }),
  );

  app.post(
    '/api/contact-fields',
    {
      schema: {
        operationId: 'createContactField',
        tags: ['contacts'],
        summary: 'Define a custom contact field.',
        description: 'A key that is a standard field or already defined answers 409.',
        body: Type.Object(
          {
            key: Type.String({ maxLength: 40 }),
            label: Type.String({ minLength: 1, maxLength: 200 }),
            type: FieldType,
          },
          { examples: [{ key: 'plan', label: 'Plan', type: 'text' }] },
        ),
        response: { 201: CustomField, ...errors(409, 503) },
      },
    },
    async (request, reply) => reply.code(201).send(await defineCustomField(db, request.body)),
  );

  app.patch(
    '/api/contact-fields/:key',
    {
      schema: {
        operationId: 'changeContactField',
        tags: ['contacts'],
        summary: 'Rename a custom contact field (its label).',
        description:
          'The key stays: forms, CSV imports, merge fields and stored values name the field by it. A blank label answers 422.',
        params: FieldKeyParams,
        body: Type.Object(
          { label: Type.String({ maxLength: 200 }) },
          { examples: [{ label: 'Price plan' }] },
        ),
        response: { 200: CustomField, ...errors(404, 422, 503) },
      },
    },
    async (request) => relabelCustomField(db, request.params.key, request.body.label),
  );

  app.delete(
    '/api/contact-fields/:key',
    {
      schema: {
        operationId: 'deleteContactField',
        tags: ['contacts'],
        summary: "Remove a custom contact field and every contact's value for it.",
        description:
          'The values are deleted with the definition (defining the key again starts empty). A field a form uses (as a field or for duplicate detection) answers 409 with `details.forms`; change those forms first.',
        params: FieldKeyParams,
        response: {
          200: Type.Object(
            {
              clearedContacts: Type.Integer({ description: 'Contacts that held a value for the field.' }),
            },
            { examples: [{ clearedContacts: 42 }] },
          ),
          ...errors(404, 409, 503),
        },
      },
    },
    async (request) => removeCustomField(db, request.params.key, deps.fieldUsers),
  );
}
