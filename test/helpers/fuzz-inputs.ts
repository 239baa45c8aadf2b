// fast-check arbitraries for the fuzz suite: requests shaped by a route's OpenAPI schema, and well beyond it.
import fc from 'fast-check';

// biome-ignore lint/suspicious/noExplicitAny: OpenAPI fragments are untyped JSON.
export type JsonSchema = Record<string, any>;

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

/** Record ids the fuzzer can aim path parameters at, by resource. */
export type Seeds = Record<string, string[]>;

const STRING_CONSTANTS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\uD800',
  'x\uDFFFy',
  '\u202Eevil\u202C',
  'مرحبا بالعالم',
  'e\u0301\u0302\u0303',
  '😀🏳️‍🌈𝕏',
  '\uFEFF',
  '\r\n',
  '%',
  '%zz',
  '%00',
  '%C0%80',
  '../../etc/passwd',
  'undefined',
  'null',
  '__proto__',
  'constructor',
  '{"a":1}',
  '<script>alert(1)</script>',
  "'; drop table contacts; --",
  'javascript:alert(1)',
  'https://例え.jp/パス?q=ü',
  'https://shop.example/%0d%0aSet-Cookie:x=1',
  '1e400',
  '-0',
  '2026-02-30',
  '9999-99-99',
  '0000-00-00T00:00:00Z',
];

/** Strings from every corner of Unicode, control characters and NUL included, plus the classic traps. */
export function nastyString(): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: fc.constantFrom(...STRING_CONSTANTS), weight: 4 },
    { arbitrary: fc.string({ unit: 'binary', maxLength: 40 }), weight: 2 },
    { arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }), weight: 2 },
    { arbitrary: fc.string({ maxLength: 20 }), weight: 1 },
    { arbitrary: fc.constantFrom(1_000, 70_000, 300_000).map((n) => 'x'.repeat(n)), weight: 1 },
  );
}

const NUMBER_CONSTANTS = [
  0,
  -1,
  1.5,
  2 ** 31,
  -(2 ** 31) - 1,
  2 ** 53,
  Number.MAX_SAFE_INTEGER + 2,
  1e308,
  -1e308,
  5e-324,
];

/** Any JSON value, with the awkward numbers and strings weighted up. */
export function nastyValue(): fc.Arbitrary<unknown> {
  return fc.oneof(
    nastyString(),
    fc.constantFrom<unknown>(...NUMBER_CONSTANTS, true, false, null, [], {}),
    fc.integer(),
    fc.jsonValue({ maxDepth: 3 }),
  );
}

function typesOf(schema: JsonSchema): string[] {
  if (Array.isArray(schema['type'])) return schema['type'];
  return typeof schema['type'] === 'string' ? [schema['type']] : [];
}

/** A value the schema accepts (as far as generation from it goes: formats and cross-field rules aside). */
export function validValue(
  schema: JsonSchema,
  depth = 0,
  key = '',
  hints: Seeds = {},
): fc.Arbitrary<unknown> {
  const variants = (schema['anyOf'] ?? schema['oneOf']) as JsonSchema[] | undefined;
  if (variants?.length) return fc.oneof(...variants.map((s) => validValue(s, depth + 1, key, hints)));
  if ('const' in schema) return fc.constant(schema['const']);
  if (Array.isArray(schema['enum'])) return fc.constantFrom(...(schema['enum'] as unknown[]));
  const base = validOfType(schema, depth, key, hints);
  return schema['nullable'] ? fc.option(base, { nil: null }) : base;
}

function validOfType(schema: JsonSchema, depth: number, key: string, hints: Seeds): fc.Arbitrary<unknown> {
  const type = typesOf(schema)[0];
  switch (type) {
    case 'string': {
      // Ids of seeded records where a property names one, so bodies reach past "no such record".
      const known = hints[key];
      return known?.length ? fc.oneof(fc.constantFrom(...known), validString(schema)) : validString(schema);
    }
    case 'integer':
      return fc.integer({ min: schema['minimum'] ?? -1000, max: schema['maximum'] ?? 1_000_000 });
    case 'number':
      return fc.double({
        min: schema['minimum'] ?? -1e6,
        max: schema['maximum'] ?? 1e6,
        noNaN: true,
        noDefaultInfinity: true,
      });
    case 'boolean':
      return fc.boolean();
    case 'array': {
      const items = (schema['items'] as JsonSchema | undefined) ?? {};
      return fc.array(depth > 4 ? fc.constant(null) : validValue(items, depth + 1, key, hints), {
        minLength: schema['minItems'] ?? 0,
        maxLength: Math.min(schema['maxItems'] ?? 4, 4),
      });
    }
    case 'object':
      return validObject(schema, depth, hints);
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

function validString(schema: JsonSchema): fc.Arbitrary<string> {
  const minLength = schema['minLength'] ?? 0;
  const maxLength = Math.min(schema['maxLength'] ?? 60, 200);
  if (typeof schema['pattern'] === 'string') {
    try {
      return fc
        .stringMatching(new RegExp(schema['pattern']))
        .filter((s) => s.length >= minLength && s.length <= (schema['maxLength'] ?? Infinity));
    } catch {
      // A pattern fast-check cannot generate from: fall through to plain strings.
    }
  }
  if (schema['format'] === 'email') return fc.emailAddress();
  if (schema['format'] === 'uri') return fc.webUrl();
  if (schema['format'] === 'date-time') return fc.date({ noInvalidDate: true }).map((d) => d.toISOString());
  return fc.oneof(
    fc.string({ minLength, maxLength }),
    fc.emailAddress().filter((s) => s.length >= minLength && s.length <= maxLength),
    fc.webUrl().filter((s) => s.length >= minLength && s.length <= maxLength),
  );
}

function validObject(schema: JsonSchema, depth: number, hints: Seeds): fc.Arbitrary<Record<string, unknown>> {
  if (!schema['properties'] && (schema['patternProperties'] || schema['additionalProperties']))
    return recordOf(hints);
  const properties = (schema['properties'] ?? {}) as Record<string, JsonSchema>;
  const required = (schema['required'] ?? []) as string[];
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [key, property] of Object.entries(properties))
    model[key] = depth > 4 ? fc.constant(null) : validValue(property, depth + 1, key, hints);
  return fc.record(model, { requiredKeys: required.filter((key) => key in model) }) as fc.Arbitrary<
    Record<string, unknown>
  >;
}

/** A free-form record (a form submission, custom contact fields): the seeded form's fields, and any others. */
function recordOf(hints: Seeds): fc.Arbitrary<Record<string, unknown>> {
  const text = fc.oneof(fc.string({ maxLength: 30 }), nastyString());
  return fc
    .tuple(
      fc.record(
        {
          email: fc.oneof(fc.constantFrom(...(hints['email'] ?? ['ann@shop.example'])), text),
          firstName: text,
          consent_news: fc.constantFrom<unknown>('on', '1', true, 'no', ['on', 'on']),
          _token: fc.string({ minLength: 16, maxLength: 40 }),
          _hp: fc.constantFrom('', 'bot'),
          _remember: fc.constantFrom<unknown>('1', 'on', 0),
          _v: fc.string({ maxLength: 30 }),
        },
        { requiredKeys: [] },
      ),
      fc.dictionary(text, nastyValue(), { maxKeys: 3 }),
    )
    .map(([known, other]) => ({ ...other, ...known }));
}

/** A valid-shaped object broken one way: a required field missing, a field of the wrong type, an extra one. */
function brokenObject(schema: JsonSchema, hints: Seeds): fc.Arbitrary<unknown> {
  const keys = Object.keys(schema['properties'] ?? {});
  return fc
    .tuple(
      validValue(schema, 0, '', hints),
      fc.constantFrom('drop', 'wrong', 'extra'),
      keys.length ? fc.constantFrom(...keys) : fc.constant('x'),
      nastyValue(),
      nastyString(),
    )
    .map(([value, how, key, wrong, extraKey]) => {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return wrong;
      const copy: Record<string, unknown> = { ...value };
      if (how === 'drop') delete copy[key];
      else if (how === 'wrong') copy[key] = wrong;
      else copy[extraKey.slice(0, 100) || 'extra'] = wrong;
      return copy;
    });
}

function deeplyNested(depth: number, kind: 'array' | 'object'): string {
  return kind === 'array'
    ? `${'['.repeat(depth)}1${']'.repeat(depth)}`
    : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

interface Body {
  payload?: string | Buffer;
  /** A content type this body is written in (the request may still send another). */
  naturalType?: string;
}

function urlEncoded(value: unknown): Body {
  const form = new URLSearchParams();
  if (typeof value === 'object' && value !== null)
    for (const [k, v] of Object.entries(value)) form.append(k, typeof v === 'string' ? v : JSON.stringify(v));
  return { payload: form.toString(), naturalType: 'application/x-www-form-urlencoded' };
}

const json = (value: unknown): Body => ({ payload: JSON.stringify(value), naturalType: 'application/json' });

/** Bodies for a route: from its schema, broken, random, deep, huge, empty, not JSON at all. */
export function bodyFor(
  schema: JsonSchema | undefined,
  hints: Seeds = {},
  example?: unknown,
): fc.Arbitrary<Body> {
  const shape = schema ?? { type: 'object' };
  const generated = validValue(shape, 0, '', hints);
  // A known-good body with one property replaced (by a valid-shaped value or anything at all) reaches the
  // code behind validation far more often than a body generated from the schema alone.
  const valid =
    example === undefined || typeof example !== 'object' || example === null
      ? generated
      : fc.oneof(
          generated,
          fc.constant(example),
          fc
            .tuple(fc.constantFrom(...Object.keys(example as object)), fc.oneof(generated, nastyValue()))
            .map(([key, other]) => ({
              ...(example as object),
              [key]:
                typeof other === 'object' && other !== null && key in other
                  ? (other as Record<string, unknown>)[key]
                  : other,
            })),
        );
  return fc.oneof(
    { arbitrary: valid.map(json), weight: 5 },
    { arbitrary: brokenObject(shape, hints).map(json), weight: 5 },
    { arbitrary: fc.jsonValue({ maxDepth: 4 }).map(json), weight: 1 },
    {
      // A deep value in place of one field of an otherwise valid body.
      arbitrary: fc
        .tuple(
          valid,
          fc.constantFrom(...Object.keys(shape['properties'] ?? { x: 1 })),
          fc.constantFrom(33, 200, 10_000, 100_000),
          fc.constantFrom<'array' | 'object'>('array', 'object'),
        )
        .map(([value, key, depth, kind]) => {
          const base = typeof value === 'object' && value !== null && !Array.isArray(value) ? value : {};
          const text = JSON.stringify({ ...base, [key]: '\u0001DEEP\u0001' });
          return {
            payload: text.replace('"\\u0001DEEP\\u0001"', deeplyNested(depth, kind)),
            naturalType: 'application/json',
          };
        }),
      weight: 3,
    },
    {
      arbitrary: fc.constantFrom<Body>(
        { payload: '' },
        { payload: 'not json' },
        { payload: '{' },
        { payload: '\uFEFF{}', naturalType: 'application/json' },
        { payload: 'null', naturalType: 'application/json' },
        { payload: '"\\u0000"', naturalType: 'application/json' },
        { payload: '{"__proto__":{"admin":true}}', naturalType: 'application/json' },
        { payload: '{"constructor":{"prototype":{"x":1}}}', naturalType: 'application/json' },
        { payload: Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xc0, 0x80, 0x22, 0x7d]) },
        { payload: 'x'.repeat(1_100_000) },
        { payload: 'email,first_name\r\na@b.example,Ann\u0000\r\n"unclosed', naturalType: 'text/csv' },
        { payload: 'email\r\n\u0000@x.example\r\n', naturalType: 'text/csv' },
        { payload: 'a=%zz&b=%00&c=%E0%A4%A', naturalType: 'application/x-www-form-urlencoded' },
      ),
      weight: 3,
    },
    { arbitrary: valid.map(urlEncoded), weight: 1 },
  );
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
