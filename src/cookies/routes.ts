// The machine-readable cookie list: every cookie Spoor sets, from cookies/definitions.ts.
import type { FastifyInstance } from 'fastify';
import { cookieDeclaration } from './declaration.ts';

export function cookieRoutes(app: FastifyInstance): void {
  app.get(
    '/cookies.json',
    { schema: { tags: ['privacy'], summary: 'Every cookie Spoor sets (machine-readable).' } },
    async () => cookieDeclaration(),
  );
}
