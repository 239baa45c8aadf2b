// The machine-readable cookie list: every cookie Spoor sets, from cookies/definitions.ts.
import type { FastifyInstance } from 'fastify';
import { cookieDeclaration, cookieDeclarationSchema } from './declaration.ts';

export function cookieRoutes(app: FastifyInstance): void {
  app.get(
    '/cookies.json',
    {
      schema: {
        operationId: 'getCookieDeclaration',
        tags: ['privacy'],
        summary: 'Every cookie Spoor sets (machine-readable).',
        description: 'For consent tools: the same list as docs/cookies.md.',
        response: { 200: cookieDeclarationSchema },
      },
    },
    async () => cookieDeclaration(),
  );
}
