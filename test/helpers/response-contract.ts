// Holds every answer an app built by the test helpers gives to its documented responses: the status must be
// one the route documents, a JSON body must match its schema (objects closed: a property the document does
// not name is a violation), any other body must have a documented media type. Violations fail the suite.

import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

interface MediaResponse {
  description?: string;
  content: Record<string, { schema: unknown }>;
}

type Documented = Record<string, unknown>;

/** A copy of a schema whose objects accept only the properties they name (unless they say otherwise). */
function closed(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closed);
  if (!schema || typeof schema !== 'object') return schema;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    copy[key] =
      key === 'properties' || key === 'patternProperties'
        ? Object.fromEntries(Object.entries(value as object).map(([name, sub]) => [name, closed(sub)]))
        : key === 'examples' || key === 'example' || key === 'default' || key === 'const' || key === 'enum'
          ? value
          : closed(value);
  }
  if (copy['properties'] && copy['additionalProperties'] === undefined) copy['additionalProperties'] = false;
  return copy;
}

export class ResponseContract {
  readonly violations: string[] = [];
  private ajv: Ajv | undefined;
  private readonly compiled = new WeakMap<object, ValidateFunction>();

  /** `sharedSchemas` is read at the first check, when the app has them all. */
  constructor(private readonly sharedSchemas: () => Record<string, unknown>) {}

  private validator(): Ajv {
    if (!this.ajv) {
      this.ajv = new Ajv({ strict: false, allErrors: true });
      addFormats.default(this.ajv);
      for (const schema of Object.values(this.sharedSchemas())) this.ajv.addSchema(closed(schema) as object);
    }
    return this.ajv;
  }

  /** Checks one answer of a matched route (`body` undefined: not readable here, a stream or compressed). */
  check(
    route: string,
    responses: Documented | undefined,
    status: number,
    type: string,
    body: string | undefined,
  ) {
    const where = `${route} answered ${status}`;
    if (!responses) return this.note(`${where}: the route documents no responses`);
    const documented = responses[String(status)] ?? responses[`${String(status)[0]}xx`];
    if (documented === undefined)
      return this.note(
        `${where}, a status it does not document (documented: ${Object.keys(responses).join(', ')}); body ${(body ?? '').slice(0, 200)}`,
      );
    const mediaType = type.split(';')[0]?.trim().toLowerCase() ?? '';
    const content = (documented as MediaResponse).content;
    if (content) {
      if (!content[mediaType])
        return this.note(
          `${where} with ${mediaType || 'no content type'}, documented: ${Object.keys(content).join(', ')}`,
        );
      if (!mediaType.endsWith('json')) return;
    }
    const schema = content ? content[mediaType]?.schema : documented;
    if (body === undefined) return;
    if ((schema as { type?: string }).type === 'null') {
      if (body !== '') this.note(`${where} with a body, documented as empty: ${body.slice(0, 200)}`);
      return;
    }
    if (!mediaType.endsWith('json'))
      return this.note(`${where} with ${mediaType || 'no content type'}, documented as JSON`);
    let value: unknown;
    try {
      value = JSON.parse(body);
    } catch {
      return this.note(`${where} with a body that is not JSON: ${body.slice(0, 200)}`);
    }
    const ajv = this.validator();
    let validate = this.compiled.get(schema as object);
    if (!validate) {
      validate = ajv.compile(closed(schema) as object);
      this.compiled.set(schema as object, validate);
    }
    if (!validate(value)) {
      const problems = (validate.errors ?? []).map(
        (error) =>
          `${error.instancePath || '(body)'} ${error.message}${error.params['additionalProperty'] ? ` ("${error.params['additionalProperty']}")` : ''}`,
      );
      this.note(`${where}, body not as documented: ${problems.join('; ')}; body ${body.slice(0, 300)}`);
    }
  }

  private note(violation: string): void {
    if (!this.violations.includes(violation)) this.violations.push(violation);
  }
}

/**
 * Watches an app's answers (call before `ready()`).
 */
export function watchResponses(app: FastifyInstance): ResponseContract {
  const contract = new ResponseContract(() => app.getSchemas());
  app.addHook('onSend', (request: FastifyRequest, reply: FastifyReply, payload, done) => {
    const url = request.routeOptions.url;
    const schema = request.routeOptions.schema as { response?: Documented; hide?: boolean } | undefined;
    // Not operations of the document: the router's 404, the document itself, CORS preflights (hidden).
    if (url === undefined || url.startsWith('/docs') || (schema?.hide && !schema.response))
      return done(null, payload);
    const readable =
      request.method !== 'HEAD' &&
      !reply.getHeader('content-encoding') &&
      (typeof payload === 'string' || Buffer.isBuffer(payload) || payload === null || payload === undefined);
    const body = readable ? (payload === null || payload === undefined ? '' : payload.toString()) : undefined;
    contract.check(
      `${request.method} ${url}`,
      schema?.response,
      reply.statusCode,
      String(reply.getHeader('content-type') ?? ''),
      body,
    );
    done(null, payload);
  });
  return contract;
}

/** Throws naming every violation (called when a test app closes). */
export function assertContractKept(contract: ResponseContract): void {
  if (contract.violations.length > 0)
    throw new Error(
      `Responses that break the OpenAPI document (src/api-contract.ts, the routes' schemas):\n- ${contract.violations.join('\n- ')}`,
    );
}
