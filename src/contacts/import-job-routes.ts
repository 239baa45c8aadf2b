// Admin API for imports a person can watch: make an import (options, the list its contacts join), send its
// file (import-routes.ts, the text/csv scope), and read its progress and per-row errors meanwhile.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { errors } from '../api-contract.ts';
import type { Database } from '../storage/schema.ts';
import { createImport, getImport, type ImportListHooks, type NewImport } from './import-jobs.ts';

const OrNull = Type.Union([Type.String(), Type.Null()]);
const Time = Type.String({ format: 'date-time' });
const Counts = {
  added: Type.Integer(),
  already: Type.Integer(),
  keptUnsubscribed: Type.Integer(),
  resubscribed: Type.Integer(),
};

export const ContactImportSchema = Type.Object(
  {
    id: Type.String(),
    status: Type.Union(
      [
        Type.Literal('waiting'),
        Type.Literal('running'),
        Type.Literal('done'),
        Type.Literal('failed'),
        Type.Literal('interrupted'),
      ],
      {
        description:
          'waiting for its file; running; done; failed (`error` says why); interrupted (it stopped reporting: its node stopped).',
      },
    ),
    listId: OrNull,
    onDuplicate: Type.Union([Type.Literal('update'), Type.Literal('skip')]),
    unknownColumns: Type.Union([Type.Literal('refuse'), Type.Literal('ignore')]),
    bytesRead: Type.Integer(),
    bytesTotal: Type.Union([Type.Integer(), Type.Null()]),
    progress: Type.Union([Type.Number({ minimum: 0, maximum: 1 }), Type.Null()], {
      description: 'Share of the file read, 0 to 1; null while its size is unknown.',
    }),
    summary: Type.Object({
      rows: Type.Integer({ description: 'data rows read so far (blank lines not counted)' }),
      created: Type.Integer(),
      updated: Type.Integer(),
      skipped: Type.Integer(),
      rejected: Type.Integer(),
      errors: Type.Array(Type.Object({ row: Type.Integer(), reason: Type.String() }), {
        description: 'the first 1,000 rejected rows; row 1 is the first record after the header',
      }),
      errorsTruncated: Type.Boolean(),
      ignoredColumns: Type.Array(Type.String()),
      listed: Type.Union([Type.Object(Counts), Type.Null()], {
        description: "What joining the import's list did, contact by contact; null without a list.",
      }),
    }),
    error: OrNull,
    createdAt: Time,
    updatedAt: Time,
    finishedAt: Type.Union([Time, Type.Null()]),
  },
  {
    title: 'ContactImport',
    examples: [
      {
        id: 'iMp0rtIdXyZ12345678abc',
        status: 'running',
        listId: 'l1StIdXyZ12345678abcde',
        onDuplicate: 'update',
        unknownColumns: 'refuse',
        bytesRead: 524288,
        bytesTotal: 1048576,
        progress: 0.5,
        summary: {
          rows: 5000,
          created: 4900,
          updated: 95,
          skipped: 0,
          rejected: 5,
          errors: [{ row: 17, reason: 'email is not a valid address' }],
          errorsTruncated: false,
          ignoredColumns: [],
          listed: { added: 4995, already: 0, keptUnsubscribed: 0, resubscribed: 0 },
        },
        error: null,
        createdAt: '2026-05-01T09:30:00.000Z',
        updatedAt: '2026-05-01T09:30:04.000Z',
        finishedAt: null,
      },
    ],
  },
);

export function contactImportJobRoutes(
  scope: FastifyInstance,
  deps: { db: Kysely<Database>; lists: ImportListHooks },
): void {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  const { db, lists } = deps;

  app.post(
    '/api/contact-imports',
    {
      schema: {
        operationId: 'createContactImport',
        tags: ['contacts'],
        summary: 'Start an import: its options and the list its contacts join; the file follows.',
        description:
          'Send the file with uploadContactImportFile, and read progress with getContactImport meanwhile. An unknown list answers 422.',
        body: Type.Object(
          {
            listId: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 64 }), Type.Null()])),
            onDuplicate: Type.Optional(
              Type.Union([Type.Literal('update'), Type.Literal('skip')], {
                description: 'a row whose email matches a contact: update it (default) or skip the row',
              }),
            ),
            unknownColumns: Type.Optional(
              Type.Union([Type.Literal('refuse'), Type.Literal('ignore')], {
                description: 'columns that are no contact field: refuse the file (default) or ignore them',
              }),
            ),
          },
          { examples: [{ listId: 'l1StIdXyZ12345678abcde', onDuplicate: 'update' }] },
        ),
        response: { 201: ContactImportSchema, ...errors(422, 503) },
      },
    },
    async (request, reply) => reply.code(201).send(await createImport(db, lists, request.body as NewImport)),
  );

  app.get(
    '/api/contact-imports/:id',
    {
      schema: {
        operationId: 'getContactImport',
        tags: ['contacts'],
        summary: "An import's status, progress, counts and the rows it rejected so far.",
        description: 'Poll it while the file uploads; progress is recorded at least every half second.',
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }),
        response: { 200: ContactImportSchema, ...errors(404, 503) },
      },
    },
    async (request) => getImport(db, request.params.id),
  );
}
