// Admin API for a contact's privacy rights: export everything, erase everything (needs an API key).

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { errors } from '../api-contract.ts';
import type { Storage } from '../storage/database.ts';
import { type ErasureCounts, eraseContact } from './erase-contact.ts';
import { exportContact } from './export-contact.ts';

const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

const ContactExportSchema = Type.Object(
  {
    schemaVersion: Type.Integer({ description: 'Raised whenever the shape changes incompatibly.' }),
    generatedAt: Type.String({ format: 'date-time' }),
    contactId: Type.String(),
  },
  {
    title: 'ContactExport',
    additionalProperties: true,
    description:
      'Beside these, one section per kind of data a domain holds about the contact (the contact itself, visitors, visits, form submissions, list memberships, emails sent, email events…), as each domain registers it with the personal-data registry; docs/privacy.md lists them.',
  },
);
const Erasure = Type.Object(
  {
    erasureId: Type.String(),
    contactId: Type.String(),
    erasedAt: Type.String({ format: 'date-time' }),
    deleted: Type.Unsafe<ErasureCounts>(
      Type.Record(Type.String(), Type.Integer(), { description: 'Rows deleted, by kind.' }),
    ),
  },
  {
    title: 'Erasure',
    examples: [
      {
        erasureId: 'eRa5ur3IdXyZ12345678ab',
        contactId: 'c0Nt4ctIdXyZ12345678ab',
        erasedAt: '2026-05-01T09:30:00.000Z',
        deleted: { contacts: 1, formSubmissions: 2, visits: 3, pageviews: 7 },
      },
    ],
  },
);

export function privacyRoutes(scope: FastifyInstance, deps: { storage: Storage }) {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  const { storage } = deps;

  app.get(
    '/api/contacts/:id/export',
    {
      schema: {
        operationId: 'exportContact',
        tags: ['privacy'],
        summary: 'Everything Spoor holds about a contact, as one JSON document (a download).',
        description: 'A merged-away id answers 404 naming the surviving contact.',
        params: IdParams,
        response: { 200: ContactExportSchema, ...errors(404, 503) },
      },
    },
    async (request, reply) => {
      const document = await exportContact(storage, request.params.id);
      const name = `spoor-contact-${document.contactId.replace(/[^A-Za-z0-9_-]/g, '_')}-${document.generatedAt.slice(0, 10)}.json`;
      return reply
        .header('content-disposition', `attachment; filename="${name}"`)
        .header('cache-control', 'no-store')
        .type('application/json; charset=utf-8')
        .send(document);
    },
  );

  app.delete(
    '/api/contacts/:id',
    {
      schema: {
        operationId: 'eraseContact',
        tags: ['privacy'],
        summary: 'Erase a contact and everything held about them; answers the counts of what was deleted.',
        description:
          'Their data, form submissions, visits and page views, prefill tokens, merge snapshots, linked browsers, email events, list memberships and email recipient rows, in one transaction.',
        params: IdParams,
        response: { 200: Erasure, ...errors(404, 503) },
      },
    },
    async (request) => eraseContact(storage, request.params.id),
  );
}
