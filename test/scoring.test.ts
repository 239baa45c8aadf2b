// Lead scoring on SQLite and PostgreSQL, through the API and the feed: a contact's anonymous visits that
// join them when they fill in a form, the form and an email click score within one consumer run, exactly
// once; the score is what the ledger adds up to; it explains itself; sales-ready is sticky with its
// history and `scoring` items; decay on a controlled clock; manual adjustments; merge and erasure; and a
// model edit previewed and published while interactions keep arriving (none lost or counted twice).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { mergeContacts } from '../src/identity/merge-contacts.ts';
import { createInteractionFeed } from '../src/interaction-feed.ts';
import { interactionsOfContact } from '../src/platform/interactions/read-contact.ts';
import { eraseContact } from '../src/privacy/erase-contact.ts';
import { exportContact } from '../src/privacy/export-contact.ts';
import { scoreAt } from '../src/scoring/award-rules.ts';
import { explainScore } from '../src/scoring/explain-rules.ts';
import { historyOf } from '../src/scoring/publish-model.ts';
import { entryOf, parseSpec, planAwards } from '../src/scoring/score-contacts.ts';
import { applyDecay, scoreFeedNow } from '../src/scoring/score-feed.ts';
import { ledgerOf, scoreRow, versionById } from '../src/scoring/store.ts';
import { createSendFixture, pathOf, type SendFixture } from './helpers/email-fixtures.ts';
import { createTestDatabase, describeEachEngine, type TestDatabase } from './helpers/engines.ts';
import { CHROME_UA, eventId, type RunningSpoor, startSpoor, submitFormAsBrowser } from './helpers/spoor.ts';
import { createContact, createForm, createWebsite, EMAIL_FIELD } from './support/factories.ts';
import { waitForFeedVisible } from './support/feed-visible.ts';

const SHOP = 'https://www.shop.test';
const DAY = 86_400_000;

const MODEL = {
  rules: [
    {
      id: 'pricing',
      name: 'Pricing page visit',
      condition: { type: 'page_visit', urlPattern: '/pricing*' },
      points: 10,
      frequency: 'each',
    },
    {
      id: 'form',
      name: 'Form submitted',
      condition: { type: 'form_submitted' },
      points: 5,
      frequency: 'first',
    },
    {
      id: 'spring',
      name: 'Spring sale click',
      condition: { type: 'email_clicked', linkPattern: '*/spring-sale*' },
      points: 8,
      frequency: 'each',
    },
    { id: 'open', name: 'Email opened', condition: { type: 'email_opened' }, points: 1, frequency: 'each' },
    { id: 'unsub', name: 'Unsubscribed', condition: { type: 'unsubscribed' }, points: -3, frequency: 'each' },
    {
      id: 'director',
      name: 'Director',
      condition: { type: 'contact_field', field: 'job_title', operator: 'contains', value: 'director' },
      points: 20,
      frequency: 'first',
    },
  ],
  decay: { type: 'expiry', days: 30 },
  grades: [
    { name: 'A', min: 20 },
    { name: 'B', min: 10 },
    { name: 'C', min: 0 },
  ],
  salesReadyThreshold: 20,
};

describeEachEngine('lead scoring', (engine) => {
  let database: TestDatabase;
  let spoor: RunningSpoor;
  let fixture: SendFixture;
  let formId: string;
  let modelId: string;
  let ip = 0;
  const feed = createInteractionFeed();
  const db = () => spoor.storage.db;

  beforeAll(async () => {
    database = await createTestDatabase(engine);
    spoor = await startSpoor(database, { collectRateLimit: 100_000, formRateLimit: 100_000 });
    const websiteId = await createWebsite(spoor, [SHOP], { name: 'Shop' });
    formId = await createForm(spoor, { name: 'Demo request', websiteId, fields: [EMAIL_FIELD] });
    fixture = await createSendFixture(spoor, { recipients: [{ tracking: true }, { tracking: true }] });
    const created = await api('POST', '/api/scoring/models', { name: 'Product A', model: MODEL });
    expect(created.statusCode, created.body).toBe(201);
    modelId = created.json().id;
    websiteOf.id = websiteId;
  });
  afterAll(async () => {
    await spoor.close();
    await database.drop();
  });
  const websiteOf = { id: '' };

  const api = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown) =>
    spoor.app.inject({
      method,
      url,
      headers: spoor.auth,
      ...(payload === undefined ? {} : { payload: payload as object }),
    });

  async function pageview(path: string, cookie?: string) {
    const res = await spoor.app.inject({
      method: 'POST',
      url: '/c',
      headers: {
        'content-type': 'text/plain',
        origin: SHOP,
        'user-agent': CHROME_UA,
        ...(cookie ? { cookie } : {}),
      },
      payload: JSON.stringify({ w: websiteOf.id, e: eventId(), t: 'pv', u: `${SHOP}${path}` }),
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { v: string; s: string };
  }
  async function hit(url: string, method: 'GET' | 'POST' = 'GET') {
    ip += 1;
    const res = await spoor.app.inject({
      method,
      url: pathOf(url),
      remoteAddress: `198.51.100.${ip}`,
      headers: {
        'user-agent': CHROME_UA,
        ...(method === 'POST' ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(method === 'POST' ? { payload: 'List-Unsubscribe=One-Click' } : {}),
    });
    expect(res.statusCode, res.body).toBeLessThan(400);
  }
  // On PostgreSQL a transaction still running anywhere holds the feed back: wait until all is readable.
  const allVisible = () => waitForFeedVisible(db());
  const consume = async (now = Date.now()) => {
    await allVisible();
    return scoreFeedNow(db(), feed, () => now);
  };
  const scores = async (contactId: string) => {
    const res = await api('GET', `/api/contacts/${contactId}/scores`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json().scores as {
      modelId: string;
      score: number;
      grade: string;
      salesReady: boolean;
      explanation: { text: string; expiredPoints: number };
      salesReadyHistory: { change: string; author: string | null; reason: string | null }[];
    }[];
  };
  const publishedVersion = async () => {
    const model = (await api('GET', `/api/scoring/models/${modelId}`)).json();
    return model.published?.id as string;
  };
  const publishAndWait = async () => {
    const res = await api('POST', `/api/scoring/models/${modelId}/publish`);
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json().publishing.progress.total).toBeGreaterThan(0);
    await spoor.runDueJobs();
    const model = (await api('GET', `/api/scoring/models/${modelId}`)).json();
    expect(model.publishing).toBeNull();
    return model;
  };

  it('anonymous visits, a form and an email click score the contact once, explained, sales-ready with its items', async () => {
    const preview = await api('POST', `/api/scoring/models/${modelId}/preview`);
    expect(preview.statusCode, preview.body).toBe(200);
    expect(preview.json()).toMatchObject({ changed: 0, becomeSalesReady: 0 });
    const published = await publishAndWait();
    expect(published.published.number).toBe(1);

    const [ada] = fixture.contacts;
    // Ada browses the pricing pages and a blog post anonymously (one visit, entering on /pricing), then
    // asks for a demo from the same browser: the visit becomes hers.
    const browser = await pageview('/pricing');
    await pageview('/pricing/teams', `spoor_vid=${browser.v}`);
    await pageview('/blog/hello', `spoor_vid=${browser.v}`);
    await submitFormAsBrowser(
      spoor,
      formId,
      { email: ada!.email },
      { origin: SHOP, cookie: `spoor_vid=${browser.v}` },
    );
    await hit(ada!.urls.click(0)); // the spring sale link (its implied open is no item: not scored)
    await consume();

    const [score] = await scores(ada!.id);
    expect(score).toMatchObject({ modelId, score: 23, grade: 'A', salesReady: true });
    expect(score!.explanation.text).toBe(
      '23 = Pricing page visit 10 + Spring sale click 8 + Form submitted 5',
    );
    expect(score!.salesReadyHistory.map((h) => h.change)).toEqual(['became']);

    // Exactly once: consuming again (nothing new) changes nothing; every (item, rule) has one row.
    await consume();
    const versionId = await publishedVersion();
    const ledger = await ledgerOf(db(), ada!.id, versionId);
    expect(ledger).toHaveLength(3);
    expect(new Set(ledger.map((r) => `${r.item_id}:${r.rule_id}`)).size).toBe(3);

    // The stored score is exactly what the ledger adds up to at its time.
    const stored = await scoreRow(db(), ada!.id, versionId);
    const version = await versionById(db(), versionId);
    expect(stored!.score).toBe(
      scoreAt(parseSpec(version!.spec).decay, ledger.map(entryOf), stored!.computed_at),
    );

    // Her timeline has the score change and becoming sales-ready, with the agreed attributes.
    const timeline = await interactionsOfContact(db(), feed.all(), ada!.id, { limit: 50 });
    const scoring = timeline.items.filter((i) => i.source === 'scoring');
    expect(scoring.map((i) => i.kind).sort()).toEqual(['became_sales_ready', 'score_changed']);
    expect(scoring.find((i) => i.kind === 'became_sales_ready')!.attributes).toEqual({
      modelId,
      modelName: 'Product A',
      score: 23,
      previousScore: 0,
      grade: 'A',
      salesReady: true,
    });
  });

  it('decay on time: awards expire after the window, sales-ready stays until a marketer clears it', async () => {
    const [ada] = fixture.contacts;
    const versionId = await publishedVersion();
    const later = Date.now() + 31 * DAY;
    expect(await applyDecay(db(), later)).toBeGreaterThan(0);
    const stored = await scoreRow(db(), ada!.id, versionId);
    expect(stored).toMatchObject({ score: 0, grade: 'C' });
    // Not due again until something new happens.
    expect(await applyDecay(db(), later)).toBe(0);

    const adjusted = await api('POST', `/api/contacts/${ada!.id}/scores/${modelId}/adjustments`, {
      points: 12,
      reason: 'Met at the trade fair',
    });
    expect(adjusted.statusCode, adjusted.body).toBe(200);
    // The API reads at the real time, when the awards still count; a manual adjustment never decays.
    expect(adjusted.json()).toMatchObject({ score: 35, salesReady: true });
    expect(adjusted.json().explanation.text).toBe(
      '35 = Manual adjustment: Met at the trade fair 12 + Pricing page visit 10 + Spring sale click 8 + Form submitted 5',
    );
    const spec = parseSpec((await versionById(db(), versionId))!.spec);
    const rows = await ledgerOf(db(), ada!.id, versionId);
    const explained = explainScore(
      spec.decay,
      spec.rules,
      rows.map((r) => ({ ...entryOf(r), reason: r.reason })),
      later,
    );
    expect(explained.text).toBe('12 = Manual adjustment: Met at the trade fair 12, 23 points expired');

    const cleared = await api('POST', `/api/contacts/${ada!.id}/scores/${modelId}/clear-sales-ready`, {
      reason: 'Handed to sales',
    });
    expect(cleared.statusCode, cleared.body).toBe(200);
    expect(cleared.json().salesReady).toBe(false);
    expect(cleared.json().salesReadyHistory.map((h: { change: string }) => h.change)).toEqual([
      'became',
      'cleared',
    ]);
    const again = await api('POST', `/api/contacts/${ada!.id}/scores/${modelId}/clear-sales-ready`, {});
    expect(again.statusCode).toBe(409);
    const bad = await api('POST', `/api/contacts/${ada!.id}/scores/${modelId}/adjustments`, {
      points: 0,
      reason: 'x',
    });
    expect(bad.statusCode).toBe(400);
  });

  it('a model edit, previewed, published while interactions keep arriving: none lost or counted twice', async () => {
    const [, ben] = fixture.contacts;
    const draft = await api('PUT', `/api/scoring/models/${modelId}/draft`, {
      model: { ...MODEL, rules: MODEL.rules.map((r) => (r.id === 'pricing' ? { ...r, points: 20 } : r)) },
    });
    expect(draft.statusCode, draft.body).toBe(200);
    expect(draft.json().draft.number).toBe(2);
    const preview = (await api('POST', `/api/scoring/models/${modelId}/preview`)).json();
    expect(preview.contacts).toBeGreaterThanOrEqual(2);

    const started = await api('POST', `/api/scoring/models/${modelId}/publish`);
    expect(started.statusCode, started.body).toBe(202);
    const versionId = started.json().publishing.id as string;
    // While the publish job recomputes, Ben opens, clicks, and visits the pricing page; the consumer runs
    // between and during the job's batches.
    await Promise.all([
      (async () => {
        await hit(ben!.urls.pixel);
        await consume();
        await hit(ben!.urls.click(0));
        await consume();
      })(),
      spoor.runDueJobs(),
    ]);
    await hit(ben!.urls.click(0));
    await consume();
    await spoor.runDueJobs();
    const model = (await api('GET', `/api/scoring/models/${modelId}`)).json();
    expect(model.published.id).toBe(versionId);

    // Every contact's ledger under the new version is what a recompute of their history gives, once.
    const version = await versionById(db(), versionId);
    const scoring = { version: version!, spec: parseSpec(version!.spec), modelName: 'Product A' };
    for (const contact of fixture.contacts) {
      const history = await historyOf(
        db(),
        feed.all().filter((s) => s.name !== 'scoring'),
        contact.id,
      );
      const expected = planAwards(scoring, contact.id, history, [], Date.now()).fresh.map(
        (r) => `${r.source}:${r.item_id}:${r.rule_id}`,
      );
      const ledger = (await ledgerOf(db(), contact.id, versionId)).filter(
        (r) => r.rule_id !== null && r.source !== 'fit',
      );
      expect(ledger.map((r) => `${r.source}:${r.item_id}:${r.rule_id}`).sort()).toEqual(expected.sort());
    }
    const benScore = (await scores(ben!.id))[0]!;
    // One open (1) and two clicks of the spring sale link (8 each); a click's implied open is not an item.
    expect(benScore.score).toBe(17);
  });

  it('merging two contacts merges their ledgers; erasure deletes them; export shows them', async () => {
    const winner = await createContact(spoor, { email: 'win@example.test', jobTitle: 'Marketing Director' });
    const loser = await createContact(spoor, { email: 'lose@example.test' });
    for (const [id, points] of [
      [winner, 4],
      [loser, 6],
    ] as const) {
      const res = await api('POST', `/api/contacts/${id}/scores/${modelId}/adjustments`, {
        points,
        reason: 'by hand',
      });
      expect(res.statusCode, res.body).toBe(200);
    }
    await db()
      .transaction()
      .execute((tx) =>
        mergeContacts(tx, spoor.storage.engine, {
          winnerId: winner,
          loserId: loser,
          reason: 'same person',
          now: Date.now(),
        }),
      );
    const [merged] = await scores(winner);
    // Both adjustments, and the winner's fit (a director) evaluated on its fields by the merge.
    expect(merged!.score).toBe(30);
    expect(merged!.explanation.text).toBe('30 = Director 20 + 2 × Manual adjustment: by hand (5)');
    const exported = await exportContact(spoor.storage, winner);
    expect(JSON.stringify(exported)).toContain('by hand');
    await eraseContact(spoor.storage, winner);
    const left = await db()
      .selectFrom('score_ledger')
      .select('id')
      .where('contact_id', 'in', [winner, loser])
      .execute();
    expect(left).toEqual([]);
  });

  it('refuses a model that is not valid, with each problem named', async () => {
    const res = await api('POST', '/api/scoring/models', {
      name: 'Broken',
      model: {
        ...MODEL,
        grades: [
          { name: 'A', min: 0 },
          { name: 'B', min: 10 },
        ],
      },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().details.fields).toEqual({
      'grades.1.min': 'grades go from the highest down: 10 is not below "A" (0)',
    });
    expect((await api('GET', '/api/scoring/models/nope')).statusCode).toBe(404);
    const list = await api('GET', `/api/scoring/models/${modelId}/sales-ready`);
    expect(list.statusCode, list.body).toBe(200);
    const csv = await api('GET', `/api/scoring/models/${modelId}/sales-ready.csv`);
    expect(csv.statusCode).toBe(200);
    expect(csv.body.split('\r\n')[0]).toBe(
      'contact_id,email,first_name,last_name,company,job_title,country,score,grade,sales_ready_since',
    );
    const insights = await api('GET', `/api/scoring/models/${modelId}/insights?days=7`);
    expect(insights.statusCode, insights.body).toBe(200);
    expect(insights.json().salesReadyOverTime).toHaveLength(7);
  });
});
