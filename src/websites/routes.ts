// Admin API for websites (mounted in the admin scope: src/access/admin-api.ts).

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { errors } from '../api-contract.ts';
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

const Origins = Type.Array(Type.String({ maxLength: 300 }), {
  maxItems: 100,
  description: 'Origins whose pages may send events, e.g. https://shop.example.',
});
const VisitTimeout = Type.Integer({
  minimum: 1,
  maximum: 1440,
  description: 'A visit ends after this long without activity.',
});
const CookieDays = Type.Integer({ minimum: 1, maximum: 730, description: 'Lifetime of the visitor cookie.' });
const GpcMode = Type.Union([Type.Literal('anonymize'), Type.Literal('ignore')], {
  description: 'What a Global Privacy Control signal does: record anonymously (default) or nothing special.',
});
const Retention = Type.Union([Type.Integer({ minimum: 1, maximum: 3650 }), Type.Null()], {
  description: 'Days after which anonymous tracking data is deleted; null keeps it.',
});

const WebsiteBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    allowedOrigins: Type.Optional(Origins),
    visitTimeoutMinutes: Type.Optional(VisitTimeout),
    visitorCookieDays: Type.Optional(CookieDays),
    gpcMode: Type.Optional(GpcMode),
    retentionDays: Type.Optional(Retention),
  },
  { examples: [{ name: 'Shop', allowedOrigins: ['https://shop.example'], retentionDays: 395 }] },
);
const IdParams = Type.Object({ id: Type.String({ maxLength: 64 }) });

const Snippets = Type.Object(
  {
    thirdParty: Type.String({ description: "Loads the script from Spoor's host." }),
    firstParty: Type.String({
      description: "Loads it from the site's own host through a proxy (docs/tracking.md).",
    }),
    outboundMarketingCompatible: Type.String({
      description: 'For pages that already carry a Dynamics 365 Customer Insights configuration element.',
    }),
  },
  { title: 'Snippets' },
);

const Website = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    allowedOrigins: Type.Array(Type.String()),
    visitTimeoutMinutes: Type.Integer(),
    visitorCookieDays: Type.Integer(),
    gpcMode: GpcMode,
    retentionDays: Type.Union([Type.Integer(), Type.Null()]),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
    snippets: Snippets,
  },
  {
    title: 'Website',
    examples: [
      {
        id: 'k3Jd9QeR1vX2bN7mT0aZpw',
        name: 'Shop',
        allowedOrigins: ['https://shop.example'],
        visitTimeoutMinutes: 30,
        visitorCookieDays: 730,
        gpcMode: 'anonymize',
        retentionDays: 395,
        createdAt: '2026-05-01T09:30:00.000Z',
        updatedAt: '2026-05-01T09:30:00.000Z',
        snippets: {
          thirdParty: '<script async src="https://track.example/s/k3Jd9QeR1vX2bN7mT0aZpw.js"></script>',
          firstParty: '<script async src="/spoor/s/k3Jd9QeR1vX2bN7mT0aZpw.js"></script>',
          outboundMarketingCompatible: '<div class="d365-mkt-config" …></div>',
        },
      },
    ],
  },
);

export function websiteRoutes(
  scope: FastifyInstance,
  deps: { db: Kysely<Database>; cache: WebsiteCache; publicUrl: string },
) {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  const { db, cache, publicUrl } = deps;
  const withSnippets = <W extends Parameters<typeof snippetsFor>[0]>(w: W) => ({
    ...w,
    snippets: snippetsFor(w, publicUrl),
  });

  app.post(
    '/api/websites',
    {
      schema: {
        operationId: 'createWebsite',
        tags: ['websites'],
        summary: 'Register a website and get its snippet.',
        description:
          'Only `name` is required; the settings left out take their defaults. The answer carries the snippets to paste into pages.',
        body: WebsiteBody,
        response: { 201: Website, ...errors(503) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(withSnippets(await registerWebsite(db, request.body as WebsiteInput))),
  );

  app.get(
    '/api/websites',
    {
      schema: {
        operationId: 'listWebsites',
        tags: ['websites'],
        summary: 'List websites.',
        description: 'Every registered website with its settings and snippets, oldest first.',
        response: { 200: Type.Object({ websites: Type.Array(Website) }), ...errors(503) },
      },
    },
    async () => ({ websites: (await listWebsites(db)).map(withSnippets) }),
  );

  app.get(
    '/api/websites/:id',
    {
      schema: {
        operationId: 'getWebsite',
        tags: ['websites'],
        summary: 'One website with its snippets.',
        description: 'A website by its id.',
        params: IdParams,
        response: { 200: Website, ...errors(404, 503) },
      },
    },
    async (request) => withSnippets(await getWebsite(db, request.params.id)),
  );

  app.patch(
    '/api/websites/:id',
    {
      schema: {
        operationId: 'changeWebsite',
        tags: ['websites'],
        summary: "Change a website's settings.",
        description:
          'Changes the settings given and keeps the others; `retentionDays: null` keeps data forever.',
        params: IdParams,
        body: WebsiteBody,
        response: { 200: Website, ...errors(404, 503) },
      },
    },
    async (request) => {
      const website = await changeWebsite(db, request.params.id, request.body as WebsiteInput);
      cache.forget(website.id);
      return withSnippets(website);
    },
  );

  app.get(
    '/api/websites/:id/snippet',
    {
      schema: {
        operationId: 'getWebsiteSnippets',
        tags: ['websites'],
        summary: 'The HTML snippets to place on pages.',
        description: 'The same `snippets` a website carries, on their own (docs/tracking.md explains each).',
        params: IdParams,
        response: { 200: Snippets, ...errors(404, 503) },
      },
    },
    async (request) => snippetsFor(await getWebsite(db, request.params.id), publicUrl),
  );
}
