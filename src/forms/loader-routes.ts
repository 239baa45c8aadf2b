// Serves the form embed loader (tracker/dist/forms.js, built from tracker/src/forms.ts) at GET /forms.js,
// gzipped for clients that accept it, like the tracking script in src/tracking/routes.ts.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { media } from '../api-contract.ts';

const DEFAULT_PATH = new URL('../../tracker/dist/forms.js', import.meta.url);

export function formLoaderRoutes(app: FastifyInstance, deps: { loaderPath?: URL } = {}): void {
  const path = deps.loaderPath ?? DEFAULT_PATH;
  let script: { plain: string; gzip: Buffer } | undefined;
  // Read on first use, not at start-up: a server started before `npm run build:tracker` still runs, and
  // answers this one route with a clear message instead.
  const load = () => {
    if (!script) {
      const plain = readFileSync(path, 'utf8');
      script = { plain, gzip: gzipSync(plain, { level: 9 }) };
    }
    return script;
  };

  app.get(
    '/forms.js',
    {
      schema: {
        operationId: 'getFormLoader',
        tags: ['forms'],
        summary: 'The form embed loader: renders <div data-spoor-form="FORM_ID"> and submits it.',
        description: 'Gzipped for clients that accept it.',
        response: {
          200: media('text/javascript', 'The loader.'),
          503: media('text/javascript', 'A comment: the loader is not built on this server.'),
        },
      },
    },
    async (request, reply) => {
      let loaded: { plain: string; gzip: Buffer };
      try {
        loaded = load();
      } catch {
        request.log.error(`The form loader is not built (${path.pathname}). Run "npm run build:tracker".`);
        return reply
          .code(503)
          .type('text/javascript; charset=utf-8')
          .header('cache-control', 'no-store')
          .send('/* Spoor: the form loader is not built on this server */');
      }
      const gzip = request.headers['accept-encoding']?.includes('gzip') ?? false;
      if (gzip) reply.header('content-encoding', 'gzip');
      reply.header('vary', 'Accept-Encoding').header('cache-control', 'public, max-age=300');
      return reply.type('text/javascript; charset=utf-8').send(gzip ? loaded.gzip : loaded.plain);
    },
  );
}
