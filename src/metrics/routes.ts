// Where /metrics is served and who may read it: on the main listener behind a bearer token
// (SPOOR_METRICS_TOKEN), or on a listener of its own (SPOOR_METRICS_PORT, loopback by default); with
// neither set there is no /metrics at all (404). Also counts every request by route pattern.
import { createServer, type Server } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest, onResponseHookHandler } from 'fastify';
import { errors, media } from '../api-contract.ts';
import type { Config } from '../config.ts';
import { countSendsByStatus } from '../email/sends/store.ts';
import { AppError } from '../lib/errors.ts';
import { sameSecret } from '../lib/same-secret.ts';
import type { CounterChild, HistogramChild } from '../platform/metrics/hot-metrics.ts';
import { httpDuration, httpRequests, metricsRegistry, storages } from '../platform/metrics/metrics.ts';
import type { Storage } from '../storage/database.ts';
import { writeHealthOf } from '../storage/write-health.ts';

export type MetricsConfig = Pick<Config, 'metricsToken' | 'metricsPort' | 'metricsHost'>;

export function metricsEnabled(config: MetricsConfig): boolean {
  return config.metricsToken !== undefined || config.metricsPort !== undefined;
}

/** Whether `authorization` carries the metrics token (compared in constant time). */
export function carriesToken(authorization: string | undefined, token: string | undefined): boolean {
  if (token === undefined) return true;
  return sameSecret(/^Bearer (.+)$/i.exec(authorization ?? '')?.[1] ?? '', token);
}

/**
 * On the app: the request counters (before any route is added, so that every route gets them) and,
 * when the token protects it, GET /metrics itself. Nothing at all when metrics are off.
 */
export function metricsRoutes(app: FastifyInstance, deps: { config: MetricsConfig; storage: Storage }): void {
  const { config, storage } = deps;
  if (!metricsEnabled(config)) return;
  metricsRegistry();
  countRequests(app);
  const writes = writeHealthOf(storage);
  const pool = storage.poolStats;
  const forget = storages.add({
    pool,
    writeFailures: () => writes.failures().count,
    sendsByStatus: () => countSendsByStatus(storage.db),
  });
  app.addHook('onClose', async () => forget());
  // With a listener of its own, the public one has no /metrics.
  if (config.metricsPort !== undefined) return;
  app.get(
    '/metrics',
    {
      schema: {
        operationId: 'getMetrics',
        tags: ['health'],
        summary: 'Prometheus metrics: requests, ingest batches, queues, sends, SMTP, database pool.',
        description:
          'Served here when SPOOR_METRICS_TOKEN is set (send it as a bearer token); with SPOOR_METRICS_PORT on a listener of its own instead. docs/configuration.md lists the metrics.',
        security: [{ metricsToken: [] }],
        response: {
          200: media('text/plain', 'The metrics in the Prometheus text format.'),
          ...errors([401, 'No metrics token, or a wrong one.']),
        },
      },
    },
    async (request, reply) => {
      if (!carriesToken(request.headers.authorization, config.metricsToken)) {
        reply.header('www-authenticate', 'Bearer realm="metrics"');
        throw new AppError(
          'unauthorized',
          'Send the metrics token: "Authorization: Bearer <SPOOR_METRICS_TOKEN>".',
        );
      }
      const registry = metricsRegistry();
      return reply.header('content-type', registry.contentType).send(await registry.metrics());
    },
  );
}

/** The listener of its own (SPOOR_METRICS_PORT): GET /metrics and nothing else. Null when not configured. */
export async function listenForMetrics(config: MetricsConfig): Promise<Server | null> {
  if (config.metricsPort === undefined) return null;
  const server = createServer((request, response) => {
    const path = (request.url ?? '').split('?')[0];
    if (path !== '/metrics' || (request.method !== 'GET' && request.method !== 'HEAD')) {
      response
        .writeHead(404, { 'content-type': 'text/plain' })
        .end('Not found: this listener serves /metrics.\n');
      return;
    }
    if (!carriesToken(request.headers.authorization, config.metricsToken)) {
      response
        .writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': 'Bearer realm="metrics"' })
        .end('Send the metrics token: "Authorization: Bearer <SPOOR_METRICS_TOKEN>".\n');
      return;
    }
    const registry = metricsRegistry();
    registry.metrics().then(
      (text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (error: Error) => response.writeHead(500, { 'content-type': 'text/plain' }).end(`${error.message}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.metricsPort, config.metricsHost, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}

const STATUS_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx'] as const;

/** A route's counters for one method: bound when the route is added; a status class when first seen. */
class RouteMeter {
  private readonly byClass: (CounterChild | undefined)[] = [];
  private readonly duration: HistogramChild;
  constructor(
    private readonly method: string,
    private readonly route: string,
  ) {
    this.duration = httpDuration.bind({ method, route });
  }

  observe(statusCode: number, elapsedMs: number): void {
    const index = Math.min(4, Math.max(0, Math.floor(statusCode / 100) - 1));
    let counter = this.byClass[index];
    if (!counter) {
      counter = httpRequests.bind({
        method: this.method,
        route: this.route,
        status_class: STATUS_CLASSES[index] as string,
      });
      this.byClass[index] = counter;
    }
    counter.inc();
    this.duration.observe(elapsedMs / 1000);
  }
}

/**
 * Each route gets its own response hook holding its own counters, so a request costs two additions and
 * a bucket search (no label lookup). Requests no route matched are counted by the not-found handler.
 */
export function countRequests(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const meters = new Map(methods.map((method) => [method, new RouteMeter(method, route.url)]));
    const only = methods.length === 1 ? meters.get(methods[0] as string) : undefined;
    const hook: onResponseHookHandler = (request: FastifyRequest, reply: FastifyReply, done) => {
      (only ?? meters.get(request.method))?.observe(reply.statusCode, reply.elapsedTime);
      done();
    };
    const existing = route.onResponse;
    route.onResponse = existing ? [...(Array.isArray(existing) ? existing : [existing]), hook] : [hook];
  });
}

const unmatched = new Map<string, RouteMeter>();

/** A request no route matched (the not-found handler): one series per method, never per URL. */
export function countUnmatched(method: string, statusCode: number, elapsedMs: number): void {
  let meter = unmatched.get(method);
  if (!meter) {
    meter = new RouteMeter(method, '(unmatched)');
    unmatched.set(method, meter);
  }
  meter.observe(statusCode, elapsedMs);
}
