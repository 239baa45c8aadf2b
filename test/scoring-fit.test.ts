// Fit follows contact edits (decision 036), on SQLite and PostgreSQL: a contact's job title changed through
// the API reaches the scoring consumer as a `contact_change` item, which awards the fit rule that now holds
// (score, explanation, `score_changed`, `became_sales_ready`) and ends it when the edit is undone; an edit
// of a field no fit rule reads writes nothing at all (no ledger row, no score, no item).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { mergeContacts } from '../src/identity/merge-contacts.ts';
import { createInteractionFeed } from '../src/interaction-feed.ts';
import { interactionsOfContact } from '../src/platform/interactions/read-contact.ts';
import { eraseContact } from '../src/privacy/erase-contact.ts';
import { scoreFeedNow } from '../src/scoring/score-feed.ts';
import { ledgerOf, scoreRow } from '../src/scoring/store.ts';
import { createTestDatabase, describeEachEngine, type TestDatabase } from './helpers/engines.ts';
import { type RunningSpoor, startSpoor } from './helpers/spoor.ts';
import { createContact, createContactField } from './support/factories.ts';
import { waitForFeedVisible } from './support/feed-visible.ts';

const MODEL = {
  rules: [
    {
      id: 'director',
      name: 'Director',
      condition: { type: 'contact_field', field: 'job_title', operator: 'contains', value: 'director' },
      points: 20,
      frequency: 'first',
    },
    {
      id: 'big',
      name: 'Large company',
      condition: { type: 'contact_field', field: 'employees', operator: 'at_least', value: 500 },
      points: 5,
      frequency: 'first',
    },
    { id: 'open', name: 'Email opened', condition: { type: 'email_opened' }, points: 1, frequency: 'each' },
  ],
  decay: { type: 'none' },
  grades: [
    { name: 'A', min: 20 },
    { name: 'C', min: 0 },
  ],
  salesReadyThreshold: 20,
};

describeEachEngine('lead scoring: fit follows contact edits', (engine) => {
  let database: TestDatabase;
  let spoor: RunningSpoor;
  let modelId: string;
  let versionId: string;
  const feed = createInteractionFeed();
  const db = () => spoor.storage.db;

  const api = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown) =>
    spoor.app.inject({
      method,
      url,
      headers: spoor.auth,
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
  const edit = async (contactId: string, values: Record<string, unknown>) => {
    const res = await api('PATCH', `/api/contacts/${contactId}`, values);
    expect(res.statusCode, res.body).toBe(200);
  };
  // On PostgreSQL a transaction still running anywhere holds the feed back: wait until all is readable.
  const consume = async () => {
    await waitForFeedVisible(db());
    return scoreFeedNow(db(), feed);
  };
  const scoreOf = async (contactId: string) => {
    const res = await api('GET', `/api/contacts/${contactId}/scores`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json().scores[0] as {
      score: number;
      grade: string;
      salesReady: boolean;
      explanation: { text: string };
    };
  };
  const scoringItems = async (contactId: string) =>
    (await interactionsOfContact(db(), feed.all(), contactId, { limit: 100 })).items
      .filter((i) => i.source === 'scoring')
      .map((i) => ({
        kind: i.kind,
        score: i.attributes['score'],
        previousScore: i.attributes['previousScore'],
      }))
      .sort((a, b) => a.kind.localeCompare(b.kind) || Number(a.score) - Number(b.score));

  beforeAll(async () => {
    database = await createTestDatabase(engine);
    spoor = await startSpoor(database);
    await createContactField(spoor, { key: 'employees', label: 'Employees', type: 'number' });
    const created = await api('POST', '/api/scoring/models', { name: 'Fit', model: MODEL });
    expect(created.statusCode, created.body).toBe(201);
    modelId = created.json().id;
    expect((await api('POST', `/api/scoring/models/${modelId}/publish`)).statusCode).toBe(202);
    await spoor.runDueJobs();
    versionId = (await api('GET', `/api/scoring/models/${modelId}`)).json().published.id;
    expect(versionId).toBeTruthy();
  });
  afterAll(async () => {
    await spoor.close();
    await database.drop();
  });

  it('a job title edited through the API moves the score and its explanation; edited back, the award ends', async () => {
    const ada = await createContact(spoor, { email: 'ada@example.test', jobTitle: 'Engineer' });
    await consume();
    expect(await scoreOf(ada)).toMatchObject({ score: 0, salesReady: false });

    await edit(ada, { jobTitle: 'Marketing Director' });
    await consume();
    expect(await scoreOf(ada)).toMatchObject({
      score: 20,
      grade: 'A',
      salesReady: true,
      explanation: { text: '20 = Director 20' },
    });
    expect(await scoringItems(ada)).toEqual([
      { kind: 'became_sales_ready', score: 20, previousScore: 0 },
      { kind: 'score_changed', score: 20, previousScore: 0 },
    ]);

    await edit(ada, { jobTitle: 'Engineer' });
    await consume();
    const after = await scoreOf(ada);
    // The award ended (sales-ready is sticky: a marketer clears it).
    expect(after).toMatchObject({
      score: 0,
      grade: 'C',
      salesReady: true,
      explanation: { text: '0 = 0, 20 points expired' },
    });
    const ledger = await ledgerOf(db(), ada, versionId);
    expect(ledger).toHaveLength(1);
    expect(ledger[0]).toMatchObject({ rule_id: 'director', source: 'fit' });
    expect(ledger[0]!.expires_at).not.toBeNull();
    expect(await scoringItems(ada)).toEqual([
      { kind: 'became_sales_ready', score: 20, previousScore: 0 },
      { kind: 'score_changed', score: 0, previousScore: 20 },
      { kind: 'score_changed', score: 20, previousScore: 0 },
    ]);

    // A custom field a fit rule reads counts too (`custom.employees` changed → the `employees` rule).
    await edit(ada, { custom: { employees: 800 } });
    await consume();
    expect(await scoreOf(ada)).toMatchObject({
      score: 5,
      explanation: { text: '5 = Large company 5, 20 points expired' },
    });
  });

  it('an edit of a field no fit rule reads writes no ledger row, no score and no score_changed', async () => {
    const ben = await createContact(spoor, { email: 'ben@example.test', jobTitle: 'Sales Director' });
    await consume();
    expect(await scoreOf(ben)).toMatchObject({ score: 20 });
    const ledgerBefore = await ledgerOf(db(), ben, versionId);
    const scoreBefore = await scoreRow(db(), ben, versionId);
    const itemsBefore = await scoringItems(ben);

    await edit(ben, { firstName: 'Ben', phone: '+44 20 7946 0000' });
    expect(await consume()).toBe(1); // the consumer read the change …
    expect(await ledgerOf(db(), ben, versionId)).toEqual(ledgerBefore); // … and wrote nothing for it
    expect(await scoreRow(db(), ben, versionId)).toEqual(scoreBefore);
    expect(await scoringItems(ben)).toEqual(itemsBefore);

    // A contact made without any field a fit rule holds for: scored 0, nothing awarded, nothing announced.
    const cy = await createContact(spoor, { email: 'cy@example.test' });
    await edit(cy, { lastName: 'Young' });
    await consume();
    expect(await ledgerOf(db(), cy, versionId)).toEqual([]);
    expect(await scoringItems(cy)).toEqual([]);
  });

  it('a contact edited then erased before the consumer runs leaves no score behind', async () => {
    const dee = await createContact(spoor, { email: 'dee@example.test' });
    await consume();
    await edit(dee, { jobTitle: 'IT Director' });
    await eraseContact(spoor.storage, dee);
    await consume();
    expect(await scoreRow(db(), dee, versionId)).toBeUndefined();
    expect(await ledgerOf(db(), dee, versionId)).toEqual([]);
  });

  it('merging two contacts that each had a fit award counts it once', async () => {
    const winner = await createContact(spoor, { email: 'eve@example.test', jobTitle: 'Sales Director' });
    const loser = await createContact(spoor, { email: 'eve.b@example.test', jobTitle: 'Director' });
    await consume();
    expect((await scoreOf(winner)).score).toBe(20);
    expect((await scoreOf(loser)).score).toBe(20);
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
    await consume();
    expect(await scoreOf(winner)).toMatchObject({
      score: 20,
      explanation: { text: '20 = Director 20, 20 points expired' },
    });
    const live = (await ledgerOf(db(), winner, versionId)).filter((r) => r.expires_at === null);
    expect(live).toHaveLength(1);
  });
});
