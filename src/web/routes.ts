// Pages for people who open the server's address in a browser.

import type { FastifyInstance } from 'fastify';
import { media } from '../api-contract.ts';
import { DEMO_PAGE_SLUG, demoRoutes } from '../demo/routes.ts';
import { type HomeLinks, renderHomePage } from './home-page.ts';

/** The home page, and the demo website's pages when this install serves one (first start, src/bootstrap.ts). */
export function webRoutes(app: FastifyInstance, deps: { demoWebsiteId?: string }): void {
  if (deps.demoWebsiteId) demoRoutes(app, { websiteId: deps.demoWebsiteId });
  homePageRoute(app, deps.demoWebsiteId ? { demo: { page: '/demo/', signup: `/p/${DEMO_PAGE_SLUG}` } } : {});
}

function homePageRoute(app: FastifyInstance, links: HomeLinks): void {
  const home = renderHomePage(links);
  app.get(
    '/',
    {
      schema: {
        operationId: 'getHomePage',
        tags: ['pages'],
        summary: 'What this server is and where to go (API docs, the demo).',
        description: "For people who open the server's address in a browser.",
        response: { 200: media('text/html', 'The page.') },
      },
    },
    async (_request, reply) =>
      reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(home),
  );
}
