// Pages for people who open the server's address in a browser.
import type { FastifyInstance } from 'fastify';
import { type HomeLinks, renderHomePage } from './home-page.ts';

export function webRoutes(app: FastifyInstance, links: HomeLinks): void {
  const home = renderHomePage(links);
  app.get('/', { schema: { hide: true } }, async (_request, reply) =>
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(home),
  );
}
