// fast-check arbitraries for the fuzz suite's requests: a route's path ids, query, headers, content type and body.
import fc from 'fast-check';
import {
  type Body,
  bodyFor,
  type JsonSchema,
  json,
  nastyString,
  type Seeds,
  urlEncoded,
  validValue,
} from './fuzz-values.ts';

export type { JsonSchema, Seeds } from './fuzz-values.ts';

export interface FuzzRoute {
  method: string;
  /** OpenAPI path, e.g. /api/contacts/{id}. */
  path: string;
  operation: JsonSchema;
}

export interface FuzzRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[]>;
  payload?: string | Buffer;
}

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=utf-16',
  'text/plain;charset=UTF-8',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'text/csv',
  'text/html',
  'application/xml',
  ';;;',
  'application/json\u0000',
];

function contentTypeFor(natural: string | undefined): fc.Arbitrary<string | string[] | undefined> {
  return fc.oneof(
    { arbitrary: fc.constant(natural), weight: 6 },
    { arbitrary: fc.constantFrom(...CONTENT_TYPES), weight: 3 },
    { arbitrary: fc.constant(undefined), weight: 1 },
    { arbitrary: fc.constant<string[]>(['application/json', 'text/plain']), weight: 1 },
  );
}

const BAD_PATH_SEGMENTS = [
  '%',
  '%zz',
  '%E0%A4%A',
  '%C0%80',
  '%FF',
  '%00',
  'a%00b',
  '%2F',
  '..',
  '.',
  '%2e%2e',
  ' ',
];

/** Values for a path parameter: seeded records, random strings (encoded), broken percent-encoding. */
function pathValue(seeded: string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: seeded.length ? fc.constantFrom(...seeded) : fc.constant('nothing'), weight: 4 },
    { arbitrary: nastyString().map((s) => encodeURIComponent(toWellFormed(s)) || 'x'), weight: 3 },
    { arbitrary: fc.constantFrom(...BAD_PATH_SEGMENTS), weight: 2 },
    {
      arbitrary: fc.string({ unit: 'binary', maxLength: 30 }).map((s) => escapeLoosely(s) || 'y'),
      weight: 1,
    },
  );
}

/** encodeURIComponent throws on lone surrogates; the fuzzer wants their UTF-8 replacement instead. */
function toWellFormed(s: string): string {
  return s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

/** Percent-encodes only what would break the URL's structure, so raw non-ASCII reaches the router. */
function escapeLoosely(s: string): string {
  return [...toWellFormed(s)]
    .map((c) => (c.charCodeAt(0) <= 0x20 || c === '\u007f' || '/?#%'.includes(c) ? encodeURIComponent(c) : c))
    .join('');
}

/** Query values the schema cannot tell a generator (a date's format lives in a description). */
const QUERY_HINTS: Record<string, string[]> = {
  from: ['2026-01-01', '1970-01-01', '2026-02-29'],
  to: ['2026-12-31', '9999-12-31', '2026-13-01'],
};

/** The required query parameters with sensible values, and nothing else. */
function tameQueryFor(parameters: JsonSchema[]): fc.Arbitrary<string> {
  const required = parameters.filter((p) => p['in'] === 'query' && p['required']);
  return fc
    .tuple(
      ...required.map((p) =>
        (QUERY_HINTS[p['name']]
          ? fc.constant(QUERY_HINTS[p['name']]![0]!)
          : validValue(p['schema'] ?? {})
        ).map((v) => `${p['name']}=${encodeURIComponent(String(v))}`),
      ),
    )
    .map((parts) => (parts.length ? `?${parts.join('&')}` : ''));
}

function queryFor(parameters: JsonSchema[]): fc.Arbitrary<string> {
  const entries = parameters
    .filter((p) => p['in'] === 'query')
    .map((p) =>
      fc.option(
        fc.oneof(
          {
            arbitrary: (QUERY_HINTS[p['name']]
              ? fc.constantFrom(...QUERY_HINTS[p['name']]!)
              : validValue(p['schema'] ?? {})
            ).map((v) => `${p['name']}=${encodeURIComponent(String(v))}`),
            weight: 4,
          },
          {
            arbitrary: nastyString().map((v) => `${p['name']}=${encodeURIComponent(toWellFormed(v))}`),
            weight: 2,
          },
          {
            arbitrary: fc
              .constantFrom(
                '-1',
                '0',
                '99999999999999999999',
                '1e3',
                '2147483648',
                'NaN',
                '%zz',
                '%00',
                '',
                '1&x=2',
              )
              .map((v) => `${p['name']}=${v}`),
            weight: 2,
          },
          { arbitrary: fc.constant(`${p['name']}=1&${p['name']}=2`), weight: 1 },
        ),
        { nil: undefined, freq: 3 },
      ),
    );
  const extra = fc.option(
    fc.oneof(
      fc.constantFrom('%', 'a=%zz', '%00=1', 'limit=99999999999999999999', '__proto__[x]=1', 'a[b]=c'),
      nastyString().map((v) => `${encodeURIComponent(toWellFormed(v.slice(0, 50)))}=1`),
    ),
    { nil: undefined, freq: 4 },
  );
  return fc.tuple(fc.tuple(...entries), extra).map(([parts, more]) => {
    const all = [...parts, more].filter((p): p is string => p !== undefined);
    return all.length ? `?${all.join('&')}` : '';
  });
}

function authFor(apiKey: string): fc.Arbitrary<string | string[] | undefined> {
  return fc.constantFrom<string | string[] | undefined>(
    undefined,
    'Bearer wrong',
    'Bearer ',
    `Basic ${Buffer.from('a:b').toString('base64')}`,
    `bearer ${apiKey}x`,
    [`Bearer ${apiKey}`, 'Bearer wrong'],
    'Bearer spk_\u00e9\u00e9',
    `Bearer ${'k'.repeat(10_000)}`,
  );
}

function headersFor(): fc.Arbitrary<Record<string, string | string[]>> {
  const headerValue = nastyString().map((s) =>
    toWellFormed(s)
      .replace(/[\r\n]/g, ' ')
      .slice(0, 2000),
  );
  return fc
    .record(
      {
        'user-agent': fc.oneof(headerValue, fc.constant(['a', 'b'])),
        referer: fc.oneof(headerValue, fc.constant('https://shop.example/x')),
        origin: fc.oneof(headerValue, fc.constantFrom('https://shop.example', 'null')),
        cookie: fc.oneof(headerValue, fc.constant('spoor_v=%zz; spoor_s=\u00e9')),
        'sec-gpc': fc.constantFrom('1', '0', 'yes'),
        'x-api-key': headerValue,
        'accept-encoding': fc.constantFrom('gzip', 'br', '*'),
      },
      { requiredKeys: [] },
    )
    .map(
      (h) =>
        Object.fromEntries(Object.entries(h).filter(([, v]) => v !== undefined)) as Record<string, string>,
    );
}

/** A request for one route: the authorised one, and the same request with a missing or wrong key. */
export function requestsFor(
  route: FuzzRoute,
  seeds: Seeds,
  apiKey: string,
  examples: unknown[] = [],
): fc.Arbitrary<FuzzRequest[]> {
  // Several known-good bodies: each in turn, varied the same ways.
  if (examples.length > 1) return fc.oneof(...examples.map((e) => requestsFor(route, seeds, apiKey, [e])));
  const example = examples[0];
  const parameters = (route.operation['parameters'] ?? []) as JsonSchema[];
  const pathNames = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  const content = route.operation['requestBody']?.['content'] as Record<string, JsonSchema> | undefined;
  const declaredType = content ? Object.keys(content)[0] : undefined;
  const schema = declaredType ? content?.[declaredType]?.['schema'] : undefined;
  const hasBody = declaredType !== undefined || route.path.endsWith('/import');
  const hints = bodyHints(seeds);

  // Wild: anything anywhere. Tame: seeded ids, a browser's headers, the declared content type and a
  // valid-shaped body, so that the code behind validation is reached too.
  const wild = fc.record({
    values: fc.tuple(...pathNames.map((name) => pathValue(seedsFor(route.path, name, seeds)))),
    query: queryFor(parameters),
    body: hasBody
      ? bodyFor(schema, hints, example)
      : fc.oneof(
          { arbitrary: fc.constant<Body>({}), weight: 5 },
          { arbitrary: bodyFor(undefined), weight: 1 },
        ),
    headers: headersFor(),
    tame: fc.constant(false),
  });
  const tame = fc.record({
    values: fc.tuple(
      ...pathNames.map((name) => {
        const seeded = seedsFor(route.path, name, seeds);
        return seeded.length ? fc.constantFrom(...seeded) : pathValue([]);
      }),
    ),
    query: tameQueryFor(parameters),
    body: hasBody
      ? typeof example === 'string'
        ? fc.constant<Body>({ payload: example, naturalType: 'text/csv' })
        : fc.oneof(
            {
              arbitrary: (example === undefined
                ? validValue(schema ?? {}, 0, '', hints)
                : fc.constant(example)
              ).map(json),
              weight: 3,
            },
            // The same body as an HTML form posts it (hosted pages do; API routes must refuse it clearly).
            {
              arbitrary: (example === undefined
                ? validValue(schema ?? {}, 0, '', hints)
                : fc.constant(example)
              ).map(urlEncoded),
              weight: 1,
            },
          )
      : fc.constant<Body>({}),
    headers: fc.constant<Record<string, string>>({
      'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0.0.0 Safari/537.36',
      origin: 'https://shop.example',
    }),
    tame: fc.constant(true),
  });
  return fc
    .tuple(fc.oneof({ arbitrary: wild, weight: 3 }, { arbitrary: tame, weight: 1 }), authFor(apiKey))
    .chain(([{ values, query, body: generated, headers, tame: isTame }, badAuth]) =>
      (isTame
        ? fc.constant(generated.naturalType ?? declaredType)
        : contentTypeFor(generated.naturalType ?? declaredType)
      ).map((contentType) => {
        let url = route.path;
        pathNames.forEach((name, i) => {
          url = url.replace(`{${name}}`, values[i]!);
        });
        const base: FuzzRequest = { method: route.method, url: url + query, headers: { ...headers } };
        if (generated.payload !== undefined) base.payload = generated.payload;
        if (contentType !== undefined && generated.payload !== undefined)
          base.headers['content-type'] = contentType;
        const withKey: FuzzRequest = {
          ...base,
          headers: { ...base.headers, authorization: `Bearer ${apiKey}` },
        };
        const withoutKey: FuzzRequest = { ...base, headers: { ...base.headers } };
        if (badAuth !== undefined) withoutKey.headers['authorization'] = badAuth;
        delete withoutKey.headers['x-api-key'];
        return [withKey, withoutKey];
      }),
    );
}

function seedsFor(path: string, param: string, seeds: Seeds): string[] {
  if (param === 'contactId') return seeds['contacts'] ?? [];
  if (param === 'sessionId') return seeds['eventSessions'] ?? [];
  if (param === 'passId') return seeds['eventPasses'] ?? [];
  if (param === 'registrationId') return seeds['eventRegistrations'] ?? [];
  if (param === 'deliveryId') return seeds['webhookDeliveries'] ?? [];
  if (param === 'modelId') return seeds['scoringModels'] ?? [];
  const resource: [string, string][] = [
    ['/api/websites', 'websites'],
    ['/api/contacts', 'contacts'],
    ['/api/forms', 'forms'],
    ['/f/', 'forms'],
    ['/p/', 'slugs'],
    ['/s/', 'scripts'],
    ['/api/lists', 'lists'],
    ['/api/messages', 'messages'],
    ['/api/sends', 'sends'],
    ['/api/suppressions', 'emails'],
    ['/api/offers', 'offers'],
    ['/offers/', 'offers'],
    ['/api/events', 'events'],
    ['/api/scoring', 'scoringModels'],
    ['/events/', 'eventSlugs'],
    ['/api/webhooks', 'webhooks'],
  ];
  const found = resource.find(([prefix]) => path.startsWith(prefix));
  return found ? (seeds[found[1]] ?? []) : Object.values(seeds).flat();
}

/** Body properties that name a seeded record. */
function bodyHints(seeds: Seeds): Seeds {
  return {
    w: seeds['websites'] ?? [],
    websiteId: seeds['websites'] ?? [],
    messageId: seeds['messages'] ?? [],
    listId: seeds['lists'] ?? [],
    listIds: seeds['lists'] ?? [],
    sessionIds: seeds['eventSessions'] ?? [],
    contactIds: seeds['contacts'] ?? [],
    email: ['ann@shop.example', 'new@shop.example'],
    allowedOrigins: ['https://shop.example', 'https://www.shop.example'],
    key: ['email', 'firstName', 'size', 'plan'],
    // Destinations a browser is sent to: non-ASCII paths and IDN hosts must redirect as well as ASCII ones.
    url: [
      'https://shop.example/thanks',
      'https://shop.example/danke-schön?q=€',
      'https://例え.jp/ありがとう',
    ],
    slug: ['contact-us', 'another-page'],
  };
}
