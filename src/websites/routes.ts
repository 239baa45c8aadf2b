// Admin API for websites (mounted in the admin scope: src/access/admin-api.ts).
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';
import {
  changeWebsite,
  getWebsite,
  registerWebsite,
  snippetsFor,
  type WebsiteInput,
} from './manage-websites.ts';
import { listWebsites } from './store.ts';
import type { WebsiteCache } from './website-cache.ts';

const WebsiteBody = Type.Object({
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  allowedOrigins: Type.Optional(Type.Array(Type.String({ maxLength: 300 }), { maxItems: 100 })),
  visitTimeoutMinutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 1440 })),
  visitorCookieDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 730 })),
  gpcMode: Type.Optional(Type.Union([Type.Literal('anonymize'), Type.Literal('ignore')])),
  retentionDays: Type.Optional(Type.Union([Type.Integer({ minimum: 1, maximum: 3650 }), Type.Null()])),
});
const IdParams = Type.Object({ id: Type.String({ maxLength: 64 }) });

export function websiteRoutes(
  app: FastifyInstance,
  deps: { db: Kysely<Database>; cache: WebsiteCache; publicUrl: string },
) {
  const { db, cache, publicUrl } = deps;
  const withSnippets = <W extends Parameters<typeof snippetsFor>[0]>(w: W) => ({
    ...w,
    snippets: snippetsFor(w, publicUrl),
  });

  app.post<{ Body: WebsiteInput }>(
    '/api/websites',
    { schema: { tags: ['websites'], summary: 'Register a website and get its snippet.', body: WebsiteBody } },
    async (request, reply) => reply.code(201).send(withSnippets(await registerWebsite(db, request.body))),
  );

  app.get('/api/websites', { schema: { tags: ['websites'], summary: 'List websites.' } }, async () => ({
    websites: (await listWebsites(db)).map(withSnippets),
  }));

  app.get<{ Params: { id: string } }>(
    '/api/websites/:id',
    { schema: { tags: ['websites'], summary: 'One website with its snippets.', params: IdParams } },
    async (request) => withSnippets(await getWebsite(db, request.params.id)),
  );

  app.patch<{ Params: { id: string }; Body: WebsiteInput }>(
    '/api/websites/:id',
    {
      schema: {
        tags: ['websites'],
        summary: "Change a website's settings.",
        params: IdParams,
        body: WebsiteBody,
      },
    },
    async (request) => {
      const website = await changeWebsite(db, request.params.id, request.body);
      cache.forget(website.id);
      return withSnippets(website);
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/websites/:id/snippet',
    { schema: { tags: ['websites'], summary: 'The HTML snippets to place on pages.', params: IdParams } },
    async (request) => snippetsFor(await getWebsite(db, request.params.id), publicUrl),
  );
}
