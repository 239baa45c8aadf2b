// Fuzzes every route in the OpenAPI document on both engines: inputs from each route's schema and far
// beyond it (wrong types, huge and deep values, Unicode, NUL, broken percent-encoding, odd headers and
// content types), with and without an API key. Every answer must be below 500 and explain itself, and the
// server must stay healthy. FUZZ_SEED=<n> replays a run (each run prints its seed); FUZZ_RUNS sets the
// number of cases per route (each case is two requests).
import fc from 'fast-check';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { forwardToken } from '../src/email/forwards/forward-links.ts';
import { passCodeFor } from '../src/events/check-in/pass-code.ts';
import { subscribeContact } from '../src/lists/store.ts';
import { loadInstallSecrets } from '../src/secrets/install-secrets.ts';
import { createTestDatabase, describeEachEngine, type TestDatabase } from './helpers/engines.ts';
import {
  type FuzzRequest,
  type FuzzRoute,
  type JsonSchema,
  requestsFor,
  type Seeds,
} from './helpers/fuzz-inputs.ts';
import { problemWith } from './helpers/fuzz-verdict.ts';
import { type SmtpSink, smtpConfigFor, startSmtpSink } from './helpers/smtp-sink.ts';
import { type RunningSpoor, startSpoor } from './helpers/spoor.ts';

const SEED = process.env['FUZZ_SEED']
  ? Number(process.env['FUZZ_SEED'])
  : Math.floor(Math.random() * 2 ** 31);
const RUNS = Number(process.env['FUZZ_RUNS'] ?? 100);
/** FUZZ_ONLY=<regular expression>: fuzz only the routes whose "METHOD /path" matches (a quick local run). */
const ONLY = process.env['FUZZ_ONLY'] ? new RegExp(process.env['FUZZ_ONLY']) : null;
const SITE = 'https://shop.example';

console.info(`[fuzz] seed ${SEED} (replay with FUZZ_SEED=${SEED}), ${RUNS} cases per route`);

/** Routes people meet in a browser or an email: their refusals may be pages or scripts instead of JSON. */
const PEOPLE_FACING = /^\/((p|s|f|e|o|account)\/|subscriptions\b|forward\b|events\b|offers\/)/;

const EVENT_EXAMPLE = {
  name: { en: 'Spring summit', fr: 'Sommet' },
  timeZone: 'Europe/Paris',
  start: '2027-09-14T09:00',
  end: '2027-09-14T18:00',
  languages: ['en', 'fr'],
  capacity: 300,
};
const SESSION_EXAMPLE = {
  name: { en: 'Keynote' },
  start: '2027-09-14T09:30',
  end: '2027-09-14T10:30',
  room: 'Hall A',
};

const SCORING_MODEL = {
  rules: [
    {
      id: 'pricing',
      name: 'Pricing',
      condition: { type: 'page_visit', urlPattern: '/pricing*' },
      points: 10,
      frequency: 'each',
    },
    {
      id: 'fit',
      name: 'Director',
      condition: { type: 'contact_field', field: 'job_title', operator: 'contains', value: 'director' },
      points: 5,
      frequency: 'first',
    },
  ],
  decay: { type: 'half_life', days: 30 },
  grades: [
    { name: 'A', min: 50 },
    { name: 'B', min: 0 },
  ],
  salesReadyThreshold: 50,
};

/** Known-good bodies by route (one, or a list to use in turn), which the fuzzer varies one property at a time. */
function examples(seeds: Seeds): Record<string, unknown> {
  const website = seeds['websites']![0];
  const list = seeds['lists']![0];
  const contact = seeds['contacts']![1];
  const form = {
    name: 'Spring offer',
    websiteId: website,
    fields: [
      { key: 'email', type: 'email', label: 'Email', required: true, prefill: true },
      { key: 'size', type: 'number', label: 'Company size' },
      { key: 'consent_news', type: 'consent', label: 'News' },
    ],
    afterSubmit: { kind: 'redirect', url: 'https://shop.example/thanks' },
    page: { slug: 'spring-offer', title: 'Spring offer' },
    lists: [{ listId: list, consentField: 'consent_news' }],
  };
  return {
    'POST /c': {
      w: website,
      e: 'evt0123456789abcdef',
      t: 'pv',
      u: 'https://shop.example/a?utm_source=x',
      r: 'https://google.com/',
      ti: 'Shop',
    },
    'POST /api/websites': { name: 'Blog', allowedOrigins: ['https://blog.example'] },
    'POST /api/webhooks': { url: 'https://crm.example/hooks/spoor', eventTypes: ['contact.created'] },
    'PATCH /api/webhooks/{id}': { eventTypes: ['contact.updated', 'email.opened'], state: 'paused' },
    'POST /api/webhooks/{id}/replay': { since: '2026-01-01T00:00:00Z' },
    'POST /api/webhooks/{id}/rotate-secret': { overlapHours: 1 },
    'POST /api/events': EVENT_EXAMPLE,
    'PATCH /api/events/{id}': { capacity: 400, venue: 'Hall B' },
    'POST /api/events/{id}/sessions': SESSION_EXAMPLE,
    'PATCH /api/events/{id}/sessions/{sessionId}': { room: 'Hall C' },
    'POST /api/events/{id}/passes': { name: { en: 'Pass' }, capacity: 10 },
    'PATCH /api/events/{id}/passes/{passId}': { capacity: 20 },
    'POST /events/portal/sign-in': { email: 'ann@shop.example' },
    'POST /api/events/{id}/registrations': { contactId: contact, passId: seeds['eventPasses']![0] },
    'POST /events/{slug}/register': {
      pass: seeds['eventPasses']![0],
      email: 'fay@shop.example',
      firstName: 'Fay',
    },
    'POST /events/portal/cancel': { registration: seeds['eventRegistrations']![0] },
    'POST /api/events/{id}/check-ins': { code: seeds['passCodes']![0] },
    'PATCH /api/websites/{id}': { name: 'Shop 2', allowedOrigins: [SITE], gpcMode: 'anonymize' },
    'POST /api/contacts': { email: 'cy@shop.example', firstName: 'Cy', custom: { size: 12 } },
    'PATCH /api/contacts/{id}': { lastName: 'Lee', custom: { size: 3 } },
    'POST /api/contact-fields': { key: 'plan', label: 'Plan', type: 'text' },
    'POST /api/forms': form,
    // The seeded form is saved with ASCII and non-ASCII redirects in turn, so submissions meet both.
    'PUT /api/forms/{id}': [
      { ...form, page: { slug: 'contact-us', title: 'Talk to us' } },
      {
        ...form,
        page: { slug: 'contact-us', title: 'Talk to us' },
        afterSubmit: { kind: 'redirect', url: 'https://例え.jp/ありがとう?q=€' },
      },
    ],
    'POST /f/{id}': {
      email: 'dee@shop.example',
      firstName: 'Dee',
      consent_news: 'on',
      _token: 'tok0123456789abcdef',
    },
    'POST /api/lists': { name: 'Offers', description: 'Monthly offers' },
    'PATCH /api/lists/{id}': { name: 'News 2' },
    'POST /api/lists/{id}/members': { contactIds: [contact], resubscribe: true },
    'POST /api/messages': { name: 'Offer', subject: 'Hi', html: '<p>Hi {{ contact.first_name }}</p>' },
    'PATCH /api/messages/{id}': { subject: 'Hello again', text: null },
    'POST /api/messages/{id}/preview': { contactId: contact },
    'POST /api/contacts/import':
      'email,first_name,size\r\neve@shop.example,Eve,12\r\nann@shop.example,Ann,\r\n',
    'POST /api/sends': { messageId: seeds['messages']![0], listIds: [list] },
    'POST /api/users': { email: 'ida@shop.example', role: 'analyst', password: 'a long enough password' },
    'PATCH /api/users/{id}': { name: 'Ida', role: 'marketer' },
    'POST /api/invitations': { email: 'jo@shop.example', role: 'marketer', name: 'Jo' },
    'POST /api/api-keys': { name: 'fuzzed key', scopes: ['read-only'] },
    'POST /api/session': { email: 'ida@shop.example', password: 'a long enough password' },
    'POST /api/offers': {
      name: 'Winter sale',
      claimUrl: 'https://shop.example/winter?code=W20',
      startsAt: '2026-12-01T09:00',
      endsAt: '2026-12-24T18:00',
      timeZone: 'Europe/Paris',
      claimLimit: 100,
      endedUrl: 'https://shop.example/over',
    },
    'PATCH /api/offers/{id}': { claimLimit: null, timeZone: 'America/New_York', exhaustedUrl: null },
    'POST /api/scoring/models': { name: 'Product B', model: SCORING_MODEL },
    'PUT /api/scoring/models/{id}/draft': { model: SCORING_MODEL },
    'POST /api/contacts/{id}/scores/{modelId}/adjustments': { points: 5, reason: 'Met at the fair' },
    'POST /forward': {
      token: seeds['forwardTokens']![0],
      email: ['friend@other.example', 'second@other.example'],
    },
  };
}

async function seed(spoor: RunningSpoor): Promise<Seeds> {
  const api = async (method: 'POST', url: string, payload: unknown) => {
    const res = await spoor.app.inject({ method, url, headers: spoor.auth, payload: payload as object });
    if (res.statusCode >= 300) throw new Error(`seeding ${url} answered ${res.statusCode}: ${res.body}`);
    return res.json();
  };
  const website = await api('POST', '/api/websites', { name: 'Shop', allowedOrigins: [SITE] });
  const contact = await api('POST', '/api/contacts', { email: 'ann@shop.example', firstName: 'Ann' });
  const other = await api('POST', '/api/contacts', { email: 'bob@shop.example' });
  const list = await api('POST', '/api/lists', { name: 'News' });
  await subscribeContact(spoor.storage.db, list.id, contact.id, {
    source: 'api',
    resubscribe: false,
    now: Date.now(),
  });
  const form = await api('POST', '/api/forms', {
    name: 'Contact us',
    websiteId: website.id,
    fields: [
      { key: 'email', type: 'email', label: 'Email', required: true, prefill: true },
      { key: 'firstName', type: 'text', label: 'First name', pattern: '[A-Za-z ]+' },
      { key: 'consent_news', type: 'consent', label: 'Send me news' },
    ],
    page: { slug: 'contact-us', title: 'Talk to us' },
    lists: [{ listId: list.id, consentField: 'consent_news' }],
  });
  const message = await api('POST', '/api/messages', {
    name: 'Welcome',
    subject: 'Hello {{ contact.first_name }}',
    html: '<p>Hi</p><a href="https://shop.example/sale?utm_source=news">Sale</a>',
    fromEmail: 'news@shop.example',
  });
  const send = await api('POST', '/api/sends', { messageId: message.id, listIds: [list.id] });
  await api('POST', '/api/contact-fields', { key: 'size', label: 'Company size', type: 'number' });
  const offer = await api('POST', '/api/offers', {
    name: 'Seeded offer',
    claimUrl: 'https://shop.example/offer',
    startsAt: '2026-01-01T00:00',
    endsAt: '2030-01-01T00:00',
    timeZone: 'UTC',
    claimLimit: 5,
  });
  const event = await api('POST', '/api/events', EVENT_EXAMPLE);
  const withSession = await api('POST', `/api/events/${event.id}/sessions`, SESSION_EXAMPLE);
  const withPass = await api('POST', `/api/events/${event.id}/passes`, {
    name: { en: 'Day pass' },
    sessionIds: [withSession.sessions[0].id],
  });
  await api('POST', `/api/events/${event.id}/publish`, {});
  // The forward form's link, as a sent email carries it (send × forwarder, sealed).
  const { seal } = await loadInstallSecrets(spoor.storage.db, spoor.config.tokenKeys);
  // A registration's pass code, as its QR code holds it (the other contact: the first registers in the fuzz).
  const registration = await api('POST', `/api/events/${event.id}/registrations`, {
    contactId: other.id,
    passId: withPass.passes[0].id,
  });
  // A published scoring model (publishing is a job: run it), so scores, adjustments and insights answer.
  const model = await api('POST', '/api/scoring/models', { name: 'Product A', model: SCORING_MODEL });
  await api('POST', `/api/scoring/models/${model.id}/publish`, {});
  await spoor.runDueJobs();
  // A webhook endpoint (its host does not resolve: a test send fails fast) and one delivery of it.
  const endpoint = await api('POST', '/api/webhooks', {
    url: 'https://crm.example/hooks/spoor',
    eventTypes: ['contact.created'],
  });
  const deliveryId = 'msg_fuzzSeededDelivery0001';
  await spoor.storage.db
    .insertInto('webhook_deliveries')
    .values({
      id: deliveryId,
      endpoint_id: endpoint.endpoint.id,
      contact_id: contact.id,
      event_type: 'contact.created',
      payload: JSON.stringify({ type: 'contact.created', timestamp: new Date().toISOString(), data: {} }),
      state: 'failed',
      next_attempt_at: Date.now(),
      created_at: Date.now(),
      window_start: Date.now(),
    })
    .execute();
  return {
    webhooks: [endpoint.endpoint.id],
    webhookDeliveries: [deliveryId],
    scoringModels: [model.id],
    offers: [offer.id],
    forwardTokens: [forwardToken(seal, send.id, contact.id)],
    events: [event.id],
    eventSessions: [withSession.sessions[0].id],
    eventPasses: [withPass.passes[0].id],
    eventSlugs: [event.slug],
    eventRegistrations: [registration.id],
    passCodes: [passCodeFor({ seal }, registration.id)],
    websites: [website.id],
    contacts: [contact.id, other.id],
    lists: [list.id],
    forms: [form.id],
    slugs: ['contact-us'],
    scripts: [`${website.id}.js`],
    messages: [message.id],
    sends: [send.id],
    emails: ['ann%40shop.example', 'nobody@shop.example'],
  };
}

function documentedRoutes(document: JsonSchema): FuzzRoute[] {
  const routes: FuzzRoute[] = [];
  for (const [path, operations] of Object.entries(document['paths'] as Record<string, JsonSchema>))
    for (const [method, operation] of Object.entries(operations))
      routes.push({ method: method.toUpperCase(), path, operation });
  // Deleting routes last, so the records the others aim at exist while they run.
  return routes.sort((a, b) => Number(a.method === 'DELETE') - Number(b.method === 'DELETE'));
}

function describeRequest(request: FuzzRequest): string {
  const payload =
    request.payload === undefined
      ? ''
      : ` body(${request.payload.length}) ${JSON.stringify(String(request.payload).slice(0, 160))}`;
  const headers = JSON.stringify(request.headers, (_k, v) =>
    typeof v === 'string' && v.length > 80 ? `${v.slice(0, 80)}…` : v,
  );
  return `${request.method} ${request.url.slice(0, 200)} ${headers}${payload}`;
}

describeEachEngine('fuzzing every documented route', (engine) => {
  let database: TestDatabase;
  let spoor: RunningSpoor;
  let sink: SmtpSink;
  let seeds: Seeds;

  beforeAll(async () => {
    database = await createTestDatabase(engine);
    sink = await startSmtpSink();
    spoor = await startSpoor(database, {
      publicUrl: 'https://track.spoor.test',
      smtp: smtpConfigFor(sink),
      collectRateLimit: 10_000_000,
      formRateLimit: 10_000_000,
      // The providers' webhooks set up, so their refusals (not a 404) are what gets fuzzed.
      espWebhooks: {
        sesTopicArns: ['arn:aws:sns:eu-west-1:123456789012:ses-bounces'],
        mailgunSigningKey: 'fuzz-mailgun-signing-key',
        postmark: { user: 'postmark', password: 'fuzz-postmark-password' },
      },
      // Test sends to the seeded endpoint end quickly (its host does not resolve).
      webhooks: {
        pollMs: 1000,
        timeoutMs: 2_000,
        concurrency: 8,
        egress: { allowHttpHosts: [], allowPrivateHosts: [], ca: undefined },
      },
    });
    seeds = await seed(spoor);
  });
  afterAll(async () => {
    await spoor?.close();
    await sink?.close();
    await database?.drop();
  });

  async function assertHealthy(after: string): Promise<void> {
    const health = await spoor.app.inject({ method: 'GET', url: '/healthz' });
    expect(health.statusCode, `/healthz after ${after}`).toBe(200);
    const normal = await spoor.app.inject({ method: 'GET', url: '/api/websites', headers: spoor.auth });
    expect(normal.statusCode, `GET /api/websites after ${after}`).toBe(200);
  }

  it('answers every input below 500, explains every refusal, and stays healthy', async () => {
    const document = (await spoor.app.inject({ method: 'GET', url: '/docs/json' })).json();
    const routes = documentedRoutes(document).filter((r) => !ONLY || ONLY.test(`${r.method} ${r.path}`));
    const failures: string[] = [];
    const neverAccepted: string[] = [];
    let covered = 0;
    let sent = 0;
    const started = Date.now();
    for (const [index, route] of routes.entries()) {
      const example = examples(seeds)[`${route.method} ${route.path}`];
      const known = example === undefined ? [] : Array.isArray(example) ? example : [example];
      const cases = fc.sample(requestsFor(route, seeds, spoor.apiKey, known), {
        seed: SEED + index,
        numRuns: RUNS,
      });
      // A quick local run names each route as it starts, so a route that hangs is named.
      if (ONLY) console.info(`[fuzz ${engine}] ${route.method} ${route.path}`);
      let accepted = 0;
      for (const requests of cases) {
        for (const request of requests) {
          sent += 1;
          const answer = await spoor.app.inject(request as InjectOptions);
          if (answer.statusCode < 300) accepted += 1;
          const problem = problemWith(
            { statusCode: answer.statusCode, headers: answer.headers, body: answer.body },
            {
              peopleFacing: PEOPLE_FACING.test(route.path),
              head: route.method === 'HEAD',
              requestText: `${request.url} ${JSON.stringify(request.headers)} ${String(request.payload ?? '')}`,
            },
          );
          if (problem)
            failures.push(
              `${route.method} ${route.path} ${problem}\n    request: ${describeRequest(request)}`,
            );
        }
      }
      // Not a failure (a route may refuse nearly everything random), but worth seeing when tuning inputs.
      if (accepted === 0) neverAccepted.push(`${route.method} ${route.path}`);
      await assertHealthy(`${route.method} ${route.path}`);
      covered += 1;
    }
    console.info(
      `[fuzz ${engine}] ${sent} requests to ${covered} routes in ${((Date.now() - started) / 1000).toFixed(1)} s, seed ${SEED}`,
    );
    if (neverAccepted.length)
      console.info(`[fuzz ${engine}] no 2xx answer from: ${neverAccepted.join(', ')}`);
    expect(covered).toBe(routes.length);
    expect(routes.length).toBeGreaterThan(ONLY ? 0 : 40);
    expect(
      failures,
      `seed ${SEED} (replay with FUZZ_SEED=${SEED}):\n${failures.slice(0, 40).join('\n')}`,
    ).toEqual([]);
  }, 600_000);
});
