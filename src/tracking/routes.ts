// HTTP for tracking: the collect endpoint and the tracking script.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { errors, media } from '../api-contract.ts';
import type { Config } from '../config.ts';
import { VISIT_COOKIE, VISITOR_COOKIE } from '../cookies/definitions.ts';
import type { Handoffs } from '../identity/handoff.ts';
import { ID_PATTERN } from '../lib/ids.ts';
import { limitPerClient } from '../lib/rate-limited.ts';
import type { Storage } from '../storage/database.ts';
import { allowOrigin, answerPreflight, type PreflightRule } from '../websites/cors.ts';
import { TrackedOrigins } from '../websites/tracked-origins.ts';
import type { WebsiteCache } from '../websites/website-cache.ts';
import { type CollectBody, type CollectContext, collect } from './collect.ts';
import { createIngestor, type Ingestor } from './ingest.ts';
import { type HandoffBody, issueHandoff } from './issue-handoff.ts';
import { readCookie } from './tracking-cookies.ts';

export interface TrackingDeps {
  config: Config;
  storage: Storage;
  websites: WebsiteCache;
  /** Email-click handoffs (src/identity/handoff.ts): accepted with a page view, issued for hosted pages. */
  handoffs: Handoffs;
}

/** The built browser script, served at /spoor.js. */
const TRACKER_PATH = new URL('../../tracker/dist/spoor.js', import.meta.url);

const Id = Type.String({ pattern: ID_PATTERN.source });
const Flag = Type.Optional(Type.Literal(1));
const CollectSchema = Type.Object(
  {
    w: Type.String({ minLength: 1, maxLength: 64 }),
    e: Id,
    t: Type.Union([Type.Literal('pv'), Type.Literal('en')]),
    u: Type.Optional(Type.String({ maxLength: 2048 })),
    r: Type.Optional(Type.String({ maxLength: 2048 })),
    ti: Type.Optional(Type.String({ maxLength: 512 })),
    p: Type.Optional(Id),
    ms: Type.Optional(Type.Integer({ minimum: 0, maximum: 86_400_000 })),
    v: Type.Optional(Id),
    s: Type.Optional(Id),
    a: Flag,
    g: Flag,
    wd: Flag,
    fp: Flag,
    /** A handoff from an email click (src/identity/handoff.ts): `visitorId.expiry.mac`. */
    h: Type.Optional(Type.String({ maxLength: 200 })),
  },
  {
    description: 'docs/collect-protocol.md describes every field.',
    examples: [
      {
        w: 'k3Jd9QeR1vX2bN7mT0aZpw',
        e: 'evt0lq8v3k000001a2b3c4',
        t: 'pv',
        u: 'https://shop.example/pricing',
        a: 1,
      },
    ],
  },
);

/** What the script sends for a handoff: the fields of a hit that name the browser and its consent. */
const HandoffSchema = Type.Object(
  {
    w: Type.String({ minLength: 1, maxLength: 64 }),
    v: Type.Optional(Id),
    a: Flag,
    g: Flag,
    fp: Flag,
  },
  { examples: [{ w: 'k3Jd9QeR1vX2bN7mT0aZpw', a: 1 }] },
);

const Collected = Type.Union(
  [
    Type.Object(
      { ok: Type.Literal(true), anon: Type.Literal(true) },
      { description: 'Recorded without identifiers (no consent, GPC, or a bot).' },
    ),
    Type.Object(
      {
        ok: Type.Literal(true),
        v: Type.String({ description: 'Visitor id (the script keeps it in first-party mode).' }),
        s: Type.String({ description: 'Visit id.' }),
        vt: Type.Integer({ description: 'Visit timeout, seconds.' }),
        vd: Type.Integer({ description: 'Visitor cookie lifetime, days.' }),
      },
      { description: 'Recorded for a visitor.' },
    ),
  ],
  { examples: [{ ok: true, anon: true }] },
);
/** What the tracking endpoints can refuse (JSON errors; the script ignores them). */
const trackingErrors = errors(
  [403, "The website is not registered, or the page's origin is not one it allows."],
  429,
  503,
);
const script = (description: string) => media('text/javascript', description);

function requestOrigin(headers: Record<string, string | string[] | undefined>): string | null {
  const origin = headers['origin'];
  if (typeof origin === 'string' && origin !== 'null') return origin;
  const referer = headers['referer'];
  if (typeof referer !== 'string') return null;
  try {
    return new URL(referer).origin;
  } catch {
    return null;
  }
}

function loadTracker(path: URL): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    throw new Error(`The tracking script is not built (${path.pathname}). Run "npm run build:tracker".`);
  }
}

/** Mounts the collect endpoint, the handoff and the script; returns the ingestor they feed (closed with the app). */
export function trackingRoutes(app: FastifyInstance, deps: TrackingDeps): Ingestor {
  const { config, storage, websites, handoffs } = deps;
  const ingestor = createIngestor(storage, config.maxBatchSize);
  app.addHook('onClose', async () => ingestor.close());
  /** Origin of SPOOR_PUBLIC_URL: pages Spoor serves itself (hosted marketing pages) are always allowed. */
  const ownOrigin = new URL(config.publicUrl).origin;
  /** Origins some registered website allows (for preflights, which do not name the website). */
  const trackedOrigins = new TrackedOrigins(storage.db);
  const tracker = loadTracker(TRACKER_PATH);
  const trackerGzip = gzipSync(tracker, { level: 9 });
  const perWebsite = new Map<string, { plain: string; gzip: Buffer }>();

  // Only a client that chose application/json preflights. The website is named in the body, which a
  // preflight does not carry: approve the origins some registered website allows (and Spoor's own pages);
  // the POST itself then checks the origin against its website.
  const collectPreflight: PreflightRule = {
    methods: 'POST',
    headers: 'content-type',
    allows: async (origin) => origin === ownOrigin || trackedOrigins.includes(origin),
    refusal: (origin) => `Origin ${origin} is not allowed by any website registered with this Spoor.`,
  };
  app.options('/c', { schema: { hide: true } }, (request, reply) =>
    answerPreflight(request.headers.origin, reply, collectPreflight),
  );

  // Made once: closures made per request cost time (tsx names every function it creates).
  const collectContext: CollectContext = {
    findWebsite: (id) => websites.get(id),
    ingestor: ingestor,
    ownOrigin: ownOrigin,
    handoffVisitor: handoffs.visitorOf,
  };
  const collectLimit = limitPerClient(config.collectRateLimit);

  app.post<{ Body: CollectBody }>(
    '/c',
    {
      bodyLimit: config.collectBodyLimit,
      onRequest: collectLimit,
      schema: {
        operationId: 'collect',
        tags: ['tracking'],
        summary: 'Record a page view or an engaged-time update (the tracking script calls this).',
        description:
          'Public, called from browsers (JSON, or JSON sent as text/plain by sendBeacon). Limited per client address (429). docs/collect-protocol.md describes the fields and the answer.',
        consumes: ['application/json', 'text/plain'],
        body: CollectSchema,
        response: {
          200: Collected,
          ...trackingErrors,
        },
      },
    },
    async (request, reply) => {
      const origin = requestOrigin(request.headers);
      const cookieHeader = request.headers.cookie;
      const visitorCookie = readCookie(cookieHeader, VISITOR_COOKIE);
      const result = await collect(
        {
          body: request.body,
          origin,
          userAgent: request.headers['user-agent'],
          gpcHeader: request.headers['sec-gpc'] === '1',
          visitorCookie,
          carriesTrackingCookies: visitorCookie !== null || readCookie(cookieHeader, VISIT_COOKIE) !== null,
          receivedAt: Date.now(),
        },
        collectContext,
      );
      allowOrigin(reply, origin).header('cache-control', 'no-store');
      if (result.setCookies.length > 0) reply.header('set-cookie', result.setCookies);
      const { website, outcome } = result;
      return result.anonymous || !outcome.visitorId
        ? { ok: true, anon: true }
        : {
            ok: true,
            v: outcome.visitorId,
            s: outcome.visitId,
            vt: website.visitTimeoutMinutes * 60,
            vd: website.visitorCookieDays,
          };
    },
  );

  // Asked by the script only when a visitor clicks a link to a hosted page (docs/tracking.md).
  const handoffContext = {
    findWebsite: collectContext.findWebsite,
    ownOrigin: ownOrigin,
    sign: handoffs.sign,
  };
  app.post<{ Body: HandoffBody }>(
    '/handoff',
    {
      bodyLimit: config.collectBodyLimit,
      onRequest: collectLimit,
      schema: {
        operationId: 'issueHandoff',
        tags: ['tracking'],
        summary: "A short-lived handoff naming this browser's visitor, for a link to a hosted page.",
        description:
          'Asked by the script when a visitor clicks a link to a hosted page; `h` is absent when the browser carries no visitor (no consent, GPC).',
        consumes: ['application/json', 'text/plain'],
        body: HandoffSchema,
        response: {
          200: Type.Object(
            { ok: Type.Literal(true), h: Type.Optional(Type.String({ description: 'The handoff token.' })) },
            { examples: [{ ok: true, h: 'vIsItOrIdXyZ12345678ab.1777777777.mac' }] },
          ),
          ...trackingErrors,
        },
      },
    },
    async (request, reply) => {
      const origin = requestOrigin(request.headers);
      const token = await issueHandoff(
        {
          body: request.body,
          origin,
          gpcHeader: request.headers['sec-gpc'] === '1',
          visitorCookie: readCookie(request.headers.cookie, VISITOR_COOKIE),
        },
        handoffContext,
      );
      allowOrigin(reply, origin).header('cache-control', 'no-store');
      return token ? { ok: true, h: token } : { ok: true };
    },
  );

  const sendScript = (acceptEncoding: string | undefined, plain: string, gzip: Buffer) =>
    acceptEncoding?.includes('gzip')
      ? { body: gzip, encoding: 'gzip' }
      : { body: plain, encoding: undefined };

  app.get(
    '/spoor.js',
    {
      schema: {
        operationId: 'getTrackerScript',
        tags: ['tracking'],
        summary: 'The tracking script (reads its settings from the page).',
        description: 'For the Outbound-Marketing-compatible snippet; gzipped for clients that accept it.',
        response: { 200: script('The script.') },
      },
    },
    async (request, reply) => {
      const { body, encoding } = sendScript(request.headers['accept-encoding'], tracker, trackerGzip);
      if (encoding) reply.header('content-encoding', encoding);
      reply.header('vary', 'Accept-Encoding').header('cache-control', 'public, max-age=300');
      return reply.type('text/javascript; charset=utf-8').send(body);
    },
  );

  app.get<{ Params: { file: string } }>(
    '/s/:file',
    {
      schema: {
        operationId: 'getWebsiteScript',
        tags: ['tracking'],
        summary: "The tracking script with a website's settings built in: /s/{websiteId}.js",
        description:
          'What the third-party and first-party snippets load; gzipped for clients that accept it.',
        params: Type.Object({ file: Type.String({ description: '{websiteId}.js' }) }),
        response: {
          200: script('The script.'),
          404: script('A comment saying there is no such website.'),
          ...errors(503),
        },
      },
    },
    async (request, reply) => {
      const match = /^([A-Za-z0-9_-]{1,64})\.js$/.exec(request.params.file);
      const website = match ? await websites.get(match[1]!) : undefined;
      if (!website) {
        return reply.code(404).type('text/javascript; charset=utf-8').send('/* Spoor: no such website */');
      }
      let script = perWebsite.get(website.id);
      if (!script) {
        // o: Spoor's public origin, so that in first-party mode too the script knows links to hosted pages.
        const settings = `{w:${JSON.stringify(website.id)},o:${JSON.stringify(ownOrigin)}}`;
        const plain = `window.__spoor=${settings};\n${tracker}`;
        script = { plain, gzip: gzipSync(plain, { level: 9 }) };
        if (perWebsite.size > 1000) perWebsite.clear();
        perWebsite.set(website.id, script);
      }
      const { body, encoding } = sendScript(request.headers['accept-encoding'], script.plain, script.gzip);
      if (encoding) reply.header('content-encoding', encoding);
      reply.header('vary', 'Accept-Encoding').header('cache-control', 'public, max-age=300');
      return reply.type('text/javascript; charset=utf-8').send(body);
    },
  );
  return ingestor;
}
