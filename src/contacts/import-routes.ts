// Admin API for importing contacts from CSV: the body is streamed straight into the import, never buffered.
import type { Readable } from 'node:stream';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { errors } from '../api-contract.ts';
import { AppError } from '../lib/errors.ts';
import type { Storage } from '../storage/database.ts';
import { describeBytes, type ImportOptions, importContacts } from './csv-import.ts';
import { ContactImportSchema } from './import-job-routes.ts';
import { type ImportListHooks, runImport } from './import-jobs.ts';
import { listCustomFields } from './store.ts';

/** Largest CSV body accepted (200 MiB, about two million typical rows). */
export const IMPORT_BODY_LIMIT = 200 * 1024 * 1024;

const tooLarge = () =>
  new AppError(
    'payload_too_large',
    `The CSV is larger than ${describeBytes(IMPORT_BODY_LIMIT)}; split the file.`,
  );

const ImportSummarySchema = Type.Object(
  {
    rows: Type.Integer({ description: 'data rows read (blank lines not counted)' }),
    created: Type.Integer(),
    updated: Type.Integer(),
    skipped: Type.Integer(),
    rejected: Type.Integer(),
    errors: Type.Array(Type.Object({ row: Type.Integer(), reason: Type.String() }), {
      description: 'the first 1,000 rejected rows; row 1 is the first record after the header',
    }),
    errorsTruncated: Type.Boolean(),
    ignoredColumns: Type.Array(Type.String()),
  },
  {
    title: 'ImportSummary',
    examples: [
      {
        rows: 3,
        created: 2,
        updated: 0,
        skipped: 0,
        rejected: 1,
        errors: [{ row: 3, reason: 'email is not a valid address' }],
        errorsTruncated: false,
        ignoredColumns: [],
      },
    ],
  },
);

interface ImportQuery {
  onDuplicate?: ImportOptions['onDuplicate'];
  unknownColumns?: ImportOptions['unknownColumns'];
}

/**
 * Registered as its own plugin (an encapsulated scope), so the text/csv parser reaches only this route and
 * hands it the raw stream; any other content type is a 415.
 */
export default async function contactImportRoutes(
  scope: FastifyInstance,
  deps: { storage: Storage; lists: ImportListHooks },
) {
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser('text/csv', (request, payload, done) => {
    // Fastify leaves body limits to stream parsers: refuse a declared size here, count the rest in the import.
    if (Number(request.headers['content-length']) > IMPORT_BODY_LIMIT) done(tooLarge(), undefined);
    else done(null, payload);
  });

  scope.post<{ Querystring: ImportQuery; Body: Readable | undefined }>(
    '/api/contacts/import',
    {
      bodyLimit: IMPORT_BODY_LIMIT,
      schema: {
        operationId: 'importContacts',
        tags: ['contacts'],
        summary: 'Import contacts from a CSV file (text/csv body, header row first).',
        consumes: ['text/csv'],
        description:
          'Streams the file (up to 200 MiB) into the contacts. See docs/contacts.md: header names, matching by email, and what each count means. A header that names no field answers 400 unless `unknownColumns=ignore`; any other content type than text/csv is a 415.',
        querystring: Type.Object({
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
        }),
        response: { 200: ImportSummarySchema, ...errors(503) },
      },
    },
    async (request, reply) => {
      const body = request.body;
      if (!body) throw new AppError('bad_request', 'The body is empty: send the CSV file as text/csv.');
      const charset = /charset\s*=\s*"?([^";\s]+)/i.exec(request.headers['content-type'] ?? '')?.[1];
      try {
        return await importContacts(
          deps.storage,
          // Not destroyed on an early error, so the client still receives the answer.
          body.iterator({ destroyOnReturn: false }),
          await listCustomFields(deps.storage.db),
          {
            onDuplicate: request.query.onDuplicate ?? 'update',
            unknownColumns: request.query.unknownColumns ?? 'refuse',
            maxBytes: IMPORT_BODY_LIMIT,
            ...(charset ? { charset } : {}),
          },
        );
      } catch (error) {
        // The rest of the body is not worth reading: answer, then close the connection.
        if (!body.readableEnded) reply.header('connection', 'close');
        throw error;
      }
    },
  );

  scope.put<{ Params: { id: string }; Body: Readable | undefined }>(
    '/api/contact-imports/:id/file',
    {
      bodyLimit: IMPORT_BODY_LIMIT,
      schema: {
        operationId: 'uploadContactImportFile',
        tags: ['contacts'],
        summary: "Send an import's CSV file (text/csv body, header row first); answers when it is done.",
        consumes: ['text/csv'],
        description:
          "Streams the file into the contacts as importContacts does, with the import's options, putting every contact it names on the import's list. While it runs, getContactImport answers its progress and the rows rejected so far (from any node). An import takes one file: a second answers 409.",
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }),
        response: { 200: ContactImportSchema, ...errors(404, 409, 503) },
      },
    },
    async (request, reply) => {
      const body = request.body;
      if (!body) throw new AppError('bad_request', 'The body is empty: send the CSV file as text/csv.');
      const charset = /charset\s*=\s*"?([^";\s]+)/i.exec(request.headers['content-type'] ?? '')?.[1];
      const declared = Number(request.headers['content-length']);
      try {
        return await runImport(deps.storage, deps.lists, request.params.id, {
          body: body.iterator({ destroyOnReturn: false }),
          bytesTotal: Number.isFinite(declared) && declared > 0 ? declared : null,
          maxBytes: IMPORT_BODY_LIMIT,
          ...(charset ? { charset } : {}),
        });
      } catch (error) {
        if (!body.readableEnded) reply.header('connection', 'close');
        throw error;
      }
    },
  );
}
