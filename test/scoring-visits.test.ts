// Lead scoring settles a visit once it has ended: page rules against every page of the visit, engaged-time
// rules against its total engaged time, each awarded once beside what the live pass awarded; a publish
// recompute evaluates visits the same way (decision 036).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createInteractionFeed } from '../src/interaction-feed.ts';
import { scoreFeedNow } from '../src/scoring/score-feed.ts';
import { settleEndedVisits } from '../src/scoring/settle-visits.ts';
import { ledgerOf } from '../src/scoring/store.ts';
import { createTestDatabase, describeEachEngine, type TestDatabase } from './helpers/engines.ts';
import { CHROME_UA, eventId, type RunningSpoor, startSpoor, submitFormAsBrowser } from './helpers/spoor.ts';
import { createForm, createWebsite, EMAIL_FIELD } from './support/factories.ts';
import { waitForFeedVisible } from './support/feed-visible.ts';

const SHOP = 'https://www.shop.test';
const MINUTE = 60_000;

const MODEL = {
  rules: [
    {
      id: 'home',
      name: 'Home page visit',
      condition: { type: 'page_visit', urlPattern: '/' },
      points: 2,
      frequency: 'each',
    },
    {
      id: 'pricing',
      name: 'Pricing page visit',
      condition: { type: 'page_visit', urlPattern: '/pricing*' },
      points: 10,
      frequency: 'each',
    },
    {
      id: 'engaged',
      name: 'Engaged visit',
      condition: { type: 'engaged_time', seconds: 3 },
      points: 7,
      frequency: 'each',
    },
  ],
  decay: { type: 'none' },
  grades: [],
  salesReadyThreshold: null,
};

describeEachEngine('lead scoring settles ended visits', (engine) => {
  let database: TestDatabase;
  let spoor: RunningSpoor;
  let websiteId: string;
  let formId: string;
  let modelId: string;
  const feed = createInteractionFeed();
  const db = () => spoor.storage.db;

  beforeAll(async () => {
    database = await createTestDatabase(engine);
    spoor = await startSpoor(database, { collectRateLimit: 100_000, formRateLimit: 100_000 });
    websiteId = await createWebsite(spoor, [SHOP], { name: 'Shop' });
    formId = await createForm(spoor, { name: 'Newsletter', websiteId, fields: [EMAIL_FIELD] });
    const created = await api('POST', '/api/scoring/models', { name: 'Visits', model: MODEL });
    expect(created.statusCode, created.body).toBe(201);
    modelId = created.json().id;
  });
  afterAll(async () => {
    await spoor.close();
    await database.drop();
  });

  const api = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) =>
    spoor.app.inject({
      method,
      url,
      headers: spoor.auth,
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
  async function collect(event: Record<string, unknown>, cookie?: string) {
    const res = await spoor.app.inject({
      method: 'POST',
      url: '/c',
      headers: {
        'content-type': 'text/plain',
        origin: SHOP,
        'user-agent': CHROME_UA,
        ...(cookie ? { cookie } : {}),
      },
      payload: JSON.stringify({ w: websiteId, ...event }),
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { v: string };
  }
  const consume = async () => {
    await waitForFeedVisible(db());
    return scoreFeedNow(db(), feed);
  };
  const publish = async () => {
    const res = await api('POST', `/api/scoring/models/${modelId}/publish`);
    expect(res.statusCode, res.body).toBe(202);
    await spoor.runDueJobs();
    const model = (await api('GET', `/api/scoring/models/${modelId}`)).json();
    expect(model.publishing).toBeNull();
    return model.published.id as string;
  };
  const awards = async (contactId: string, versionId: string) =>
    (await ledgerOf(db(), contactId, versionId))
      .map((row) => `${row.source}:${row.item_id}:${row.rule_id}:${row.points}:${row.awarded_at}`)
      .sort();

  it('an ended visit is awarded its later pages and its engaged time once; a recompute agrees', async () => {
    const versionId = await publish();

    // Vera lands on the home page and signs up from it: the visit becomes hers and the live pass scores
    // it with what it has then — its entry page.
    const browser = await collect({ e: eventId(), t: 'pv', u: `${SHOP}/` });
    const cookie = `spoor_vid=${browser.v}`;
    await submitFormAsBrowser(spoor, formId, { email: 'vera@example.com' }, { origin: SHOP, cookie });
    await consume();
    const visit = await db()
      .selectFrom('visits')
      .select(['id', 'contact_id', 'last_seen_at'])
      .where('website_id', '=', websiteId)
      .executeTakeFirstOrThrow();
    const contactId = visit.contact_id as string;
    expect(contactId).toBeTruthy();
    expect((await ledgerOf(db(), contactId, versionId)).map((r) => r.rule_id)).toEqual(['home']);

    // Then, in the same visit, she reads the pricing page for 4 s. The visit's item was scored already.
    const pricing = eventId();
    await collect({ e: pricing, t: 'pv', u: `${SHOP}/pricing` }, cookie);
    await collect({ e: eventId(), t: 'en', p: pricing, ms: 4_000 }, cookie);
    await consume();
    expect((await ledgerOf(db(), contactId, versionId)).map((r) => r.rule_id)).toEqual(['home']);
    const after = await db()
      .selectFrom('visits')
      .select(['id', 'pageviews', 'engaged_ms', 'last_seen_at'])
      .where('id', '=', visit.id)
      .executeTakeFirstOrThrow();
    expect(after).toMatchObject({ pageviews: 2 });
    expect(Number(after.engaged_ms)).toBeGreaterThanOrEqual(3_000);

    // While the visit may still go on (within the website's 30-minute timeout), settling leaves it.
    const lastSeen = Number(after.last_seen_at);
    expect(await settleEndedVisits(db(), lastSeen + 30 * MINUTE)).toBe(0);
    expect((await ledgerOf(db(), contactId, versionId)).map((r) => r.rule_id)).toEqual(['home']);

    // Once it has ended: the pricing rule and the engaged-time rule, once each; home is not awarded again.
    expect(await settleEndedVisits(db(), lastSeen + 31 * MINUTE)).toBe(1);
    const ledger = await ledgerOf(db(), contactId, versionId);
    expect(ledger.map((r) => r.rule_id).sort()).toEqual(['engaged', 'home', 'pricing']);
    expect(ledger.every((r) => r.source === 'visit' && r.item_id === visit.id)).toBe(true);
    const shown = await api('GET', `/api/contacts/${contactId}/scores`);
    expect(shown.json().scores[0]).toMatchObject({ modelId, score: 19 });

    // A second run (and the live pass) awards nothing more: the mark has passed the visit.
    expect(await settleEndedVisits(db(), lastSeen + 60 * MINUTE)).toBe(0);
    await consume();
    const settled = await awards(contactId, versionId);
    expect(settled).toHaveLength(3);

    // Publishing a new version recomputes Vera from her history, reading the visit the same way.
    const draft = await api('PUT', `/api/scoring/models/${modelId}/draft`, { model: MODEL });
    expect(draft.statusCode, draft.body).toBe(200);
    const next = await publish();
    expect(next).not.toBe(versionId);
    expect(await awards(contactId, next)).toEqual(settled);
  });

  it('settling survives a restart: the mark is stored, and a visit settled before is never awarded twice', async () => {
    const mark = await db()
      .selectFrom('scoring_visit_marks')
      .selectAll()
      .where('website_id', '=', websiteId)
      .executeTakeFirstOrThrow();
    expect(mark.visit_id).toBeTruthy();
    // Forget the mark (as if it had never moved): re-settling everything adds no award.
    const model = (await api('GET', `/api/scoring/models/${modelId}`)).json();
    const versionId = model.published.id as string;
    const before = await db()
      .selectFrom('score_ledger')
      .select('id')
      .where('version_id', '=', versionId)
      .execute();
    await db().deleteFrom('scoring_visit_marks').execute();
    expect(await settleEndedVisits(db(), Date.now() + 120 * MINUTE)).toBe(1);
    const afterRows = await db()
      .selectFrom('score_ledger')
      .select('id')
      .where('version_id', '=', versionId)
      .execute();
    expect(afterRows.map((r) => r.id).sort()).toEqual(before.map((r) => r.id).sort());
  });
});
