// Pages for people who open the server's address in a browser.

import type { FastifyInstance } from 'fastify';
import { media } from '../api-contract.ts';
import { type HomeLinks, renderHomePage } from './home-page.ts';

export function webRoutes(app: FastifyInstance, links: HomeLinks): void {
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
