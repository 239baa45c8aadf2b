// fast-check arbitraries for the fuzz suite's values and bodies: from an OpenAPI schema, and well beyond it.
import fc from 'fast-check';

// biome-ignore lint/suspicious/noExplicitAny: OpenAPI fragments are untyped JSON.
export type JsonSchema = Record<string, any>;

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
  // Addresses and URLs only where they fit: a filter that no value passes (an address in 5 characters)
  // makes fast-check retry for ever.
  const fits = (shortest: number) => maxLength >= shortest * 2;
  return fc.oneof(
    fc.string({ minLength, maxLength }),
    ...(fits('a@b.cd'.length)
      ? [fc.emailAddress().filter((s) => s.length >= minLength && s.length <= maxLength)]
      : []),
    ...(fits('https://a.bc'.length)
      ? [fc.webUrl().filter((s) => s.length >= minLength && s.length <= maxLength)]
      : []),
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

export interface Body {
  payload?: string | Buffer;
  /** A content type this body is written in (the request may still send another). */
  naturalType?: string;
}

export function urlEncoded(value: unknown): Body {
  const form = new URLSearchParams();
  if (typeof value === 'object' && value !== null)
    for (const [k, v] of Object.entries(value)) form.append(k, typeof v === 'string' ? v : JSON.stringify(v));
  return { payload: form.toString(), naturalType: 'application/x-www-form-urlencoded' };
}

export const json = (value: unknown): Body => ({
  payload: JSON.stringify(value),
  naturalType: 'application/json',
});

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
