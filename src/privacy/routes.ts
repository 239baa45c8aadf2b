// Admin API for a contact's privacy rights: export everything, erase everything (needs an API key).
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Storage } from '../storage/database.ts';
import { eraseContact } from './erase-contact.ts';
import { exportContact } from './export-contact.ts';

const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

export function privacyRoutes(app: FastifyInstance, deps: { storage: Storage }) {
  const { storage } = deps;

  app.get<{ Params: { id: string } }>(
    '/api/contacts/:id/export',
    {
      schema: {
        tags: ['privacy'],
        summary:
          'Everything Spoor holds about a contact, as one JSON document (a download). ' +
          'A merged-away id answers 404 naming the surviving contact.',
        params: IdParams,
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

  app.delete<{ Params: { id: string } }>(
    '/api/contacts/:id',
    {
      schema: {
        tags: ['privacy'],
        summary:
          'Erase a contact: their data, form submissions, visits and page views, prefill tokens, merge ' +
          'snapshots, linked browsers, email events, list memberships and email recipient rows, in one ' +
          'transaction. Answers the counts of what was deleted.',
        params: IdParams,
      },
    },
    async (request) => eraseContact(storage, request.params.id),
  );
}
