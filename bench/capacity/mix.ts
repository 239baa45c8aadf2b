// The realistic mix of the capacity bench: what share of requests each kind is, and how each request is
// made (decision 044). Page views and engaged-time updates from the tracking script, opens and clicks
// with genuine signed URLs of a stored send, form submissions from the embed loader, and dashboard
// queries with an API key. The send in progress is not a request: the node's send worker delivers it to
// the loopback SMTP sink while the load runs.
import { randomBytes } from 'node:crypto';
import { utcDay } from '../../src/lib/time.ts';
import { Random } from '../lib/random.ts';
import { BENCH_ORIGIN, CHROME_USER_AGENT, collectBodyMaker } from '../load/collect-bodies.ts';
import { pickKind } from './open-loop.ts';

export const KINDS = [
  'pageview',
  'engaged',
  'open',
  'click',
  'form',
  'report',
  'overview',
  'contacts',
] as const;
export type Kind = (typeof KINDS)[number];

/** Requests per 1,000 of each kind: mostly tracking, some email engagement, a few forms and dashboards. */
export const MIX: readonly (readonly [Kind, number])[] = [
  ['pageview', 540],
  ['engaged', 250],
  ['open', 100],
  ['click', 60],
  ['form', 20],
  ['report', 10],
  ['overview', 10],
  ['contacts', 10],
];

/** What the generator needs to make genuine requests (set up by capacity-bench.ts). */
export interface MixData {
  websiteId: string;
  formId: string;
  apiKey: string;
  pixelPaths: string[];
  clickPaths: string[];
  visitorPool: number;
}

/** Where each kind goes: Spoor answers all; the bare servers stand in for it (bare = true). */
export interface MixTarget {
  /** Origin for collect, forms and dashboard requests. */
  origin: string;
  /** Origin for the open pixel and the click redirect (the bare email server for the baseline). */
  emailOrigin: string;
  bare: boolean;
}

export interface MadeRequest {
  kind: Kind;
  origin: string;
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** Whether an answer with this status counts as served. */
  ok(status: number): boolean;
}

const COLLECT_HEADERS = {
  'content-type': 'text/plain;charset=UTF-8',
  origin: BENCH_ORIGIN,
  referer: `${BENCH_ORIGIN}/`,
  'user-agent': CHROME_USER_AGENT,
  'accept-language': 'en-GB,en;q=0.9',
};

export function mixMaker(data: MixData, target: MixTarget, seed: number): () => MadeRequest {
  const random = new Random(seed);
  const bodies = collectBodyMaker(data.websiteId, data.visitorPool, seed + 1);
  // Page views already sent, whose engaged time the next 'engaged' updates report (as a page open a while).
  const recent: { e: string; v: string; ms: number }[] = [];
  const auth = { authorization: `Bearer ${data.apiKey}`, 'user-agent': CHROME_USER_AGENT };
  const today = utcDay(Date.now());
  const monthAgo = utcDay(Date.now() - 30 * 86_400_000);
  let forms = 0;
  const served = (expected: number) => (status: number) =>
    // The bare servers answer what they do not serve with 404 at once: served, for a baseline.
    status === expected || (target.bare && status < 500);
  const collect = (kind: Kind, body: string): MadeRequest => ({
    kind,
    origin: target.origin,
    method: 'POST',
    path: '/c',
    headers: COLLECT_HEADERS,
    body,
    ok: (status) => status >= 200 && status < 300,
  });
  const get = (
    kind: Kind,
    origin: string,
    path: string,
    expected: number,
    headers: Record<string, string> = auth,
  ): MadeRequest => ({
    kind,
    origin,
    method: 'GET',
    path,
    headers,
    ok: served(expected),
  });

  function pageview(): MadeRequest {
    const body = bodies.next();
    const { e, v } = JSON.parse(body) as { e: string; v: string };
    recent.push({ e, v, ms: 0 });
    if (recent.length > 2000) recent.splice(0, 1000);
    return collect('pageview', body);
  }

  return () => {
    const kind = pickKind(MIX, random.next());
    switch (kind) {
      case 'pageview':
        return pageview();
      case 'engaged': {
        const page = recent[random.int(recent.length)];
        if (!page) return pageview();
        page.ms += 5_000 + random.int(10_000);
        const e = `${Date.now().toString(36).padStart(8, '0')}${randomBytes(12).toString('base64url')}`;
        return collect(
          'engaged',
          JSON.stringify({ w: data.websiteId, e, t: 'en', p: page.e, ms: page.ms, v: page.v }),
        );
      }
      case 'open':
        return get('open', target.emailOrigin, data.pixelPaths[random.int(data.pixelPaths.length)]!, 200, {
          'user-agent': CHROME_USER_AGENT,
          accept: 'image/avif,image/webp,*/*',
        });
      case 'click':
        return get('click', target.emailOrigin, data.clickPaths[random.int(data.clickPaths.length)]!, 302, {
          'user-agent': CHROME_USER_AGENT,
        });
      case 'form': {
        forms += 1;
        const n = `${seed}-${forms}`;
        return {
          kind,
          origin: target.origin,
          method: 'POST',
          path: `/f/${data.formId}`,
          headers: {
            'content-type': 'text/plain;charset=UTF-8',
            origin: BENCH_ORIGIN,
            'user-agent': CHROME_USER_AGENT,
          },
          body: JSON.stringify({ email: `lead${n}@form.example`, firstName: `Lead ${n}` }),
          ok: served(200),
        };
      }
      case 'report':
        return get(
          kind,
          target.origin,
          `/api/websites/${data.websiteId}/report?from=${monthAgo}&to=${today}`,
          200,
        );
      case 'overview':
        return get(kind, target.origin, `/api/overview?from=${monthAgo}&to=${today}`, 200);
      case 'contacts':
        return get(kind, target.origin, `/api/contacts?q=reader${random.int(1000)}`, 200);
    }
  };
}
