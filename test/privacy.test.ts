// Privacy rights and retention over HTTP on SQLite and PostgreSQL: a contact's export, erasure (and what
// the browser's old cookie means afterwards), the erasure audit, and the retention of anonymous data.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyRetention } from '../src/privacy/apply-retention.ts';
import { createTestDatabase, describeEachEngine, type TestDatabase } from './helpers/engines.ts';
import { CHROME_UA, eventId, type RunningSpoor, startSpoor, submitFormAsBrowser } from './helpers/spoor.ts';
import { createContactField, createVia, createWebsite } from './support/factories.ts';

const SHOP = 'https://www.shop.test';
const DAY = 86_400_000;

describeEachEngine('privacy', (engine) => {
  let database: TestDatabase;
  let spoor: RunningSpoor;
  let shopId: string;
  let formCounter = 0;

  beforeAll(async () => {
    database = await createTestDatabase(engine);
    spoor = await startSpoor(database, { collectRateLimit: 100_000, formRateLimit: 100_000 });
    shopId = await registerWebsite('Shop', SHOP);
    await createContactField(spoor, { key: 'favourite_colour', label: 'Favourite colour', type: 'text' });
  });
  afterAll(async () => {
    await spoor.close();
    await database.drop();
  });

  const db = () => spoor.storage.db;

  const registerWebsite = (name: string, origin: string, retentionDays?: number) =>
    createWebsite(spoor, [origin], { name, ...(retentionDays ? { retentionDays } : {}) });

  function defineForm(overrides: Record<string, unknown> = {}) {
    formCounter += 1;
    return createVia<{ id: string; name: string }>(spoor, '/api/forms', {
      name: `Newsletter ${formCounter}`,
      websiteId: shopId,
      prefill: true,
      fields: [
        { key: 'email', type: 'email', label: 'Email', required: true, prefill: true },
        { key: 'firstName', type: 'text', label: 'First name', prefill: true },
        { key: 'company', type: 'text', label: 'Company' },
        { key: 'favourite_colour', type: 'text', label: 'Colour' },
        { key: 'consent_news', type: 'consent', label: 'Send me news' },
      ],
      ...overrides,
    });
  }

  const submit = (formId: string, fields: Record<string, unknown>, cookie?: string) =>
    submitFormAsBrowser(spoor, formId, fields, { origin: SHOP, ...(cookie ? { cookie } : {}) });

  async function pageview(
    options: {
      website?: string;
      origin?: string;
      cookie?: string;
      mirror?: string;
      path?: string;
      anonymous?: boolean;
    } = {},
  ) {
    const origin = options.origin ?? SHOP;
    const res = await spoor.app.inject({
      method: 'POST',
      url: '/c',
      headers: {
        'content-type': 'text/plain',
        origin,
        'user-agent': CHROME_UA,
        ...(options.cookie ? { cookie: options.cookie } : {}),
      },
      payload: JSON.stringify({
        w: options.website ?? shopId,
        e: eventId(),
        t: 'pv',
        u: `${origin}${options.path ?? '/'}`,
        ti: 'A page',
        ...(options.mirror ? { v: options.mirror } : {}),
        ...(options.anonymous ? { a: 1 } : {}),
      }),
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { v?: string; s?: string; anon?: true };
  }

  async function contactIdOf(email: string): Promise<string> {
    const row = await db()
      .selectFrom('contacts')
      .select('id')
      .where('email_match', '=', email)
      .orderBy('created_at')
      .orderBy('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  /**
   * A contact with everything a contact can have: two browsers (one with an alias), visits with page
   * views, submissions with consents and a custom field, prefill tokens, and a contact merged into it.
   */
  async function fullContact(email: string) {
    const laptop = await pageview({ path: '/pricing' });
    const laptopCookie = `spoor_vid=${laptop.v}`;
    const mirror = eventId(); // a first-party id the server has not seen: becomes an alias
    await pageview({ cookie: laptopCookie, mirror, path: '/features' });
    const phone = await pageview({ path: '/mobile' });
    const always = await defineForm({ onMatch: 'create' });
    await submit(always.id, { email, firstName: 'Dupli' });
    await submit(always.id, { email, company: 'Second Record Ltd' });
    const form = await defineForm();
    const remembered = await submit(
      form.id,
      { email, firstName: 'Erin', favourite_colour: 'teal', consent_news: 'on', _remember: 'on' },
      laptopCookie,
    );
    await submit(form.id, { email, _remember: 'on' }, `spoor_vid=${phone.v}`);
    const contactId = await contactIdOf(email);
    // A submission from a browser Spoor never saw makes a visitor for it too: four browsers in all.
    const visitors = await db()
      .selectFrom('visitors')
      .select('id')
      .where('contact_id', '=', contactId)
      .execute();
    expect(visitors.map((v) => v.id)).toEqual(expect.arrayContaining([laptop.v, phone.v]));
    return {
      contactId,
      visitors: visitors.map((v) => v.id),
      laptop: laptop.v!,
      laptopVisit: laptop.s!,
      phone: phone.v!,
      mirror,
      prefillToken: remembered.prefill!,
    };
  }

  describe('export', () => {
    it('holds every part of the contact, as a download, and no prefill token hashes', async () => {
      const c = await fullContact('export@example.com');
      const res = await spoor.app.inject({ url: `/api/contacts/${c.contactId}/export`, headers: spoor.auth });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers['content-type']).toContain('application/json');
      expect(res.headers['content-disposition']).toMatch(
        new RegExp(`^attachment; filename="spoor-contact-${c.contactId}-\\d{4}-\\d{2}-\\d{2}\\.json"$`),
      );
      const doc = res.json();
      expect(doc.schemaVersion).toBe(1);
      expect(Math.abs(Date.parse(doc.generatedAt) - Date.now())).toBeLessThan(60_000);
      expect(doc.contactId).toBe(c.contactId);
      expect(doc.contact).toMatchObject({
        id: c.contactId,
        email: 'export@example.com',
        firstName: 'Erin',
        company: 'Second Record Ltd',
        custom: { favourite_colour: 'teal' },
        prefillAllowed: true,
      });

      expect(doc.visitors.map((v: { id: string }) => v.id).sort()).toEqual([...c.visitors].sort());
      expect(c.visitors).toHaveLength(4);
      const laptop = doc.visitors.find((v: { id: string }) => v.id === c.laptop);
      expect(laptop.aliases).toEqual([c.mirror]);
      expect(Date.parse(laptop.firstSeenAt)).toBeLessThanOrEqual(Date.parse(laptop.lastSeenAt));

      expect(doc.visits).toHaveLength(2);
      const laptopVisit = doc.visits.find((v: { id: string }) => v.id === c.laptopVisit);
      expect(laptopVisit).toMatchObject({
        website: { id: shopId, name: 'Shop' },
        visitorId: c.laptop,
        entryPath: '/pricing',
        pageviewCount: 2,
        identified: true,
      });
      expect(laptopVisit.pageviews.map((p: { path: string }) => p.path)).toEqual(['/pricing', '/features']);
      expect(laptopVisit.pageviews[0]).toMatchObject({ url: `${SHOP}/pricing`, title: 'A page' });

      // Four submissions: two made the two records that were merged, two came through the email rule.
      expect(doc.formSubmissions).toHaveLength(4);
      const withConsent = doc.formSubmissions.find(
        (s: { payload: { values: { favourite_colour?: string } } }) =>
          s.payload.values.favourite_colour === 'teal',
      );
      expect(withConsent).toMatchObject({
        status: 'processed',
        outcome: 'updated',
        visitorId: c.laptop,
        form: { name: expect.stringMatching(/^Newsletter/) },
        payload: {
          values: { email: 'export@example.com', firstName: 'Erin', favourite_colour: 'teal' },
          consents: { consent_news: true },
          rememberMe: true,
        },
      });

      expect(doc.merges).toHaveLength(1);
      expect(doc.merges[0]).toMatchObject({
        reason: 'duplicate-detection',
        mergedContactSnapshot: { email: 'export@example.com', company: 'Second Record Ltd', custom: {} },
      });
      expect(doc.prefillTokens).toEqual({ count: 2 });

      // No credential of any kind: neither the token nor its stored hash appear anywhere.
      const hashes = await db()
        .selectFrom('prefill_tokens')
        .select('token_hash')
        .where('contact_id', '=', c.contactId)
        .execute();
      expect(hashes).toHaveLength(2);
      for (const { token_hash } of hashes) expect(res.body).not.toContain(token_hash);
      expect(res.body).not.toContain(c.prefillToken);
      expect(res.body).not.toContain('token_hash');
    });

    it('unknown → 404; merged-away → 404 naming the survivor; no key → 401', async () => {
      const unknown = await spoor.app.inject({
        url: '/api/contacts/nobodyNobodyNobody42/export',
        headers: spoor.auth,
      });
      expect(unknown.statusCode).toBe(404);
      const c = await fullContact('export-merged@example.com');
      const loser = await db()
        .selectFrom('contact_merges')
        .select('loser_id')
        .where('winner_id', '=', c.contactId)
        .executeTakeFirstOrThrow();
      const merged = await spoor.app.inject({
        url: `/api/contacts/${loser.loser_id}/export`,
        headers: spoor.auth,
      });
      expect(merged.statusCode).toBe(404);
      expect(merged.json()).toMatchObject({ details: { mergedInto: c.contactId } });
      expect(merged.json().message).toContain(c.contactId);
      expect((await spoor.app.inject({ url: `/api/contacts/${c.contactId}/export` })).statusCode).toBe(401);
    });
  });

  describe('erase', () => {
    const erase = (id: string) =>
      spoor.app.inject({ method: 'DELETE', url: `/api/contacts/${id}`, headers: spoor.auth });

    it('removes the contact, their interactions and browsers; the old cookie identifies no one', async () => {
      const c = await fullContact('erase@example.com');
      const loser = await db()
        .selectFrom('contact_merges')
        .select('loser_id')
        .where('winner_id', '=', c.contactId)
        .executeTakeFirstOrThrow();
      const visitIds = (
        await db().selectFrom('visits').select('id').where('contact_id', '=', c.contactId).execute()
      ).map((v) => v.id);
      expect(visitIds).toHaveLength(2);
      const rollupsBefore = await db().selectFrom('daily_stats').selectAll().orderBy('day').execute();

      const res = await erase(c.contactId);
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json();
      expect(body).toMatchObject({
        contactId: c.contactId,
        erasureId: expect.any(String),
        deleted: {
          contacts: 1,
          formSubmissions: 4,
          visits: 2,
          pageviews: 3,
          visitors: 4,
          visitorAliases: 1,
          prefillTokens: 2,
          mergeRecords: 1,
        },
      });

      const none = async (rows: Promise<unknown[]>) => expect(await rows).toEqual([]);
      await none(
        db().selectFrom('contacts').select('id').where('id', 'in', [c.contactId, loser.loser_id]).execute(),
      );
      await none(
        db().selectFrom('form_submissions').select('id').where('contact_id', '=', c.contactId).execute(),
      );
      await none(db().selectFrom('visits').select('id').where('id', 'in', visitIds).execute());
      await none(
        db().selectFrom('visits').select('id').where('visitor_id', 'in', [c.laptop, c.phone]).execute(),
      );
      await none(db().selectFrom('pageviews').select('event_id').where('visit_id', 'in', visitIds).execute());
      // A page view's browser is its visit's: none is left behind without its visit.
      await none(
        db()
          .selectFrom('pageviews')
          .leftJoin('visits', 'visits.id', 'pageviews.visit_id')
          .select('pageviews.event_id')
          .where('pageviews.visit_id', 'is not', null)
          .where('visits.id', 'is', null)
          .execute(),
      );
      await none(db().selectFrom('visitors').select('id').where('id', 'in', c.visitors).execute());
      await none(
        db()
          .selectFrom('visitor_aliases')
          .select('alias_id')
          .where((eb) => eb.or([eb('alias_id', '=', c.mirror), eb('visitor_id', 'in', [c.laptop, c.phone])]))
          .execute(),
      );
      await none(
        db()
          .selectFrom('prefill_tokens')
          .select('token_hash')
          .where('contact_id', '=', c.contactId)
          .execute(),
      );
      await none(
        db()
          .selectFrom('contact_merges')
          .select('id')
          .where((eb) => eb.or([eb('winner_id', '=', c.contactId), eb('loser_id', '=', loser.loser_id)]))
          .execute(),
      );
      // Aggregate report rollups hold no one's data and stay as they were.
      expect(await db().selectFrom('daily_stats').selectAll().orderBy('day').execute()).toEqual(
        rollupsBefore,
      );

      // The erased contact, and the id merged into it, are unknown now: no hint of a survivor.
      for (const id of [c.contactId, loser.loser_id]) {
        const gone = await spoor.app.inject({ url: `/api/contacts/${id}/history`, headers: spoor.auth });
        expect(gone.statusCode).toBe(404);
        expect(gone.json().details).toBeUndefined();
      }
      expect((await erase(c.contactId)).statusCode).toBe(404);

      // The browser comes back with its old cookie (and its old first-party mirror): it is a stranger.
      const back = await pageview({ cookie: `spoor_vid=${c.laptop}`, mirror: c.mirror });
      const visitor = await db()
        .selectFrom('visitors')
        .selectAll()
        .where('id', '=', back.v!)
        .executeTakeFirstOrThrow();
      expect(visitor.contact_id).toBeNull();
      const visit = await db()
        .selectFrom('visits')
        .selectAll()
        .where('id', '=', back.s!)
        .executeTakeFirstOrThrow();
      expect(visit).toMatchObject({ contact_id: null, identified: 0 });
      expect(
        await db().selectFrom('visits').select('id').where('visitor_id', '=', back.v!).execute(),
      ).toEqual([{ id: back.s }]);
      // Its prefill token opens nothing any more.
      const form = await defineForm();
      const prefill = await spoor.app.inject({
        url: `/f/${form.id}/prefill`,
        headers: { origin: SHOP, 'x-spoor-prefill': c.prefillToken },
      });
      expect(prefill.json()).toEqual({ values: {} });
    });

    it('records an audit entry with the id, the time and the counts, and no personal data', async () => {
      const c = await fullContact('audited.person@example.com');
      const res = await erase(c.contactId);
      expect(res.statusCode).toBe(200);
      const audit = await db()
        .selectFrom('contact_erasures')
        .selectAll()
        .where('contact_id', '=', c.contactId)
        .execute();
      expect(audit).toHaveLength(1);
      const row = audit[0]!;
      expect(row.id).toBe(res.json().erasureId);
      expect(Math.abs(Number(row.erased_at) - Date.now())).toBeLessThan(60_000);
      expect(JSON.parse(row.counts)).toEqual(res.json().deleted);
      expect(Object.keys(row).sort()).toEqual(['contact_id', 'counts', 'erased_at', 'id']);
      const text = JSON.stringify(row);
      for (const personal of ['audited', 'example.com', 'Erin', 'teal', c.laptop, c.phone, c.mirror]) {
        expect(text).not.toContain(personal);
      }
    });

    it("keeps another person's earlier visits on a shared browser", async () => {
      const form = await defineForm();
      const browser = await pageview();
      const cookie = `spoor_vid=${browser.v}`;
      await submit(form.id, { email: 'first-user@example.com' }, cookie);
      await submit(form.id, { email: 'second-user@example.com' }, cookie);
      const first = await contactIdOf('first-user@example.com');
      const second = await contactIdOf('second-user@example.com');
      const res = await erase(second);
      expect(res.json().deleted).toMatchObject({ visitors: 1, visits: 0, formSubmissions: 1 });
      const kept = await db()
        .selectFrom('visits')
        .select('contact_id')
        .where('id', '=', browser.s!)
        .execute();
      expect(kept).toEqual([{ contact_id: first }]);
      const history = await spoor.app.inject({ url: `/api/contacts/${first}/history`, headers: spoor.auth });
      expect(history.json().items.map((i: { id: string }) => i.id)).toContain(browser.s);
    });

    it('unknown → 404; merged-away → 404 naming the survivor, who is not erased; no key → 401', async () => {
      expect((await erase('nobodyNobodyNobody42')).statusCode).toBe(404);
      const c = await fullContact('erase-merged@example.com');
      const loser = await db()
        .selectFrom('contact_merges')
        .select('loser_id')
        .where('winner_id', '=', c.contactId)
        .executeTakeFirstOrThrow();
      const res = await erase(loser.loser_id);
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ error: 'not_found', details: { mergedInto: c.contactId } });
      expect(
        await db().selectFrom('contacts').select('id').where('id', '=', c.contactId).execute(),
      ).toHaveLength(1);
      const noKey = await spoor.app.inject({ method: 'DELETE', url: `/api/contacts/${c.contactId}` });
      expect(noKey.statusCode).toBe(401);
      expect(
        (
          await spoor.app.inject({
            method: 'DELETE',
            url: `/api/contacts/${'x'.repeat(65)}`,
            headers: spoor.auth,
          })
        ).statusCode,
      ).toBe(400);
    });
  });

  describe('retention', () => {
    /** Moves everything of these visits (and their browsers' last sighting) `days` into the past. */
    async function age(visitIds: string[], days: number) {
      const ms = days * DAY;
      await db()
        .updateTable('visits')
        .set((eb) => ({ started_at: eb('started_at', '-', ms), last_seen_at: eb('last_seen_at', '-', ms) }))
        .where('id', 'in', visitIds)
        .execute();
      await db()
        .updateTable('pageviews')
        .set((eb) => ({ occurred_at: eb('occurred_at', '-', ms) }))
        .where('visit_id', 'in', visitIds)
        .execute();
      const visitors = await db()
        .selectFrom('visits')
        .select('visitor_id')
        .where('id', 'in', visitIds)
        .execute();
      await db()
        .updateTable('visitors')
        .set((eb) => ({ last_seen_at: eb('last_seen_at', '-', ms) }))
        .where(
          'id',
          'in',
          visitors.map((v) => v.visitor_id),
        )
        .execute();
    }

    async function ageAnonymousPageviews(websiteId: string, days: number) {
      await db()
        .updateTable('pageviews')
        .set((eb) => ({ occurred_at: eb('occurred_at', '-', days * DAY) }))
        .where('website_id', '=', websiteId)
        .where('visit_id', 'is', null)
        .execute();
    }

    const visitsOf = (websiteId: string) =>
      db().selectFrom('visits').select(['id', 'contact_id']).where('website_id', '=', websiteId).execute();
    const pageviewsOf = (websiteId: string) =>
      db()
        .selectFrom('pageviews')
        .select(['event_id', 'visit_id'])
        .where('website_id', '=', websiteId)
        .execute();

    it('deletes old anonymous data of websites with a period, and nothing else', async () => {
      const origin = 'https://retained.shop.test';
      const kept = 'https://forever.shop.test';
      const retained = await registerWebsite('Retained', origin);
      const forever = await registerWebsite('Forever', kept);
      const patched = await spoor.app.inject({
        method: 'PATCH',
        url: `/api/websites/${retained}`,
        headers: spoor.auth,
        payload: { retentionDays: 30 },
      });
      expect(patched.json().retentionDays).toBe(30);

      // Old and anonymous: goes, with its browser and that browser's alias.
      const mirror = eventId();
      const oldAnon = await pageview({ website: retained, origin });
      await pageview({ website: retained, origin, cookie: `spoor_vid=${oldAnon.v}`, mirror, path: '/2' });
      expect(
        await db().selectFrom('visitor_aliases').selectAll().where('alias_id', '=', mirror).execute(),
      ).toEqual([{ alias_id: mirror, visitor_id: oldAnon.v }]);
      // Old, anonymous, but the browser also has a visit on a website without a period: the browser stays.
      const wanderer = await pageview({ website: retained, origin });
      const wandererElsewhere = await pageview({
        website: forever,
        origin: kept,
        cookie: `spoor_vid=${wanderer.v}`,
      });
      // Old but identified: the contact's history stays.
      const known = await pageview({ website: retained, origin });
      const form = await defineForm();
      await submit(form.id, { email: 'retained-history@example.com' }, `spoor_vid=${known.v}`);
      // Old, anonymous, on the website without a period: stays.
      const foreverOld = await pageview({ website: forever, origin: kept });
      // Page views without identifiers (no consent): old ones go, recent ones stay.
      await pageview({ website: retained, origin, anonymous: true });
      await pageview({ website: forever, origin: kept, anonymous: true });
      await ageAnonymousPageviews(retained, 31);
      await ageAnonymousPageviews(forever, 31);
      await age([oldAnon.s!, wanderer.s!, wandererElsewhere.s!, known.s!, foreverOld.s!], 31);
      // Recent anonymous data of the retained website: stays.
      const recent = await pageview({ website: retained, origin });
      const recentAnonymous = await pageview({ website: retained, origin, anonymous: true });
      expect(recentAnonymous.anon).toBe(true);
      const rollupsBefore = await db()
        .selectFrom('daily_stats')
        .selectAll()
        .where('website_id', 'in', [retained, forever])
        .orderBy('website_id')
        .orderBy('day')
        .orderBy('bot')
        .execute();

      const result = await applyRetention(spoor.storage, Date.now());
      expect(result).toMatchObject({
        visits: 2,
        pageviews: 3,
        anonymousPageviews: 1,
        visitors: 1,
        visitorAliases: 1,
      });
      expect(result.websites).toBeGreaterThanOrEqual(1);

      expect((await visitsOf(retained)).map((v) => v.id).sort()).toEqual([known.s, recent.s].sort());
      expect((await visitsOf(retained)).find((v) => v.id === known.s)?.contact_id).toEqual(
        expect.any(String),
      );
      const retainedPageviews = await pageviewsOf(retained);
      expect(retainedPageviews.filter((p) => p.visit_id === null)).toHaveLength(1);
      expect(retainedPageviews.map((p) => p.visit_id).sort()).toEqual([known.s, recent.s, null].sort());
      expect((await visitsOf(forever)).map((v) => v.id).sort()).toEqual(
        [wandererElsewhere.s, foreverOld.s].sort(),
      );
      expect(await pageviewsOf(forever)).toHaveLength(3);

      const browsers = await db()
        .selectFrom('visitors')
        .select('id')
        .where('id', 'in', [oldAnon.v!, wanderer.v!, known.v!, recent.v!, foreverOld.v!])
        .execute();
      expect(browsers.map((b) => b.id).sort()).toEqual([wanderer.v, known.v, recent.v, foreverOld.v].sort());
      expect(
        await db().selectFrom('visitor_aliases').selectAll().where('alias_id', '=', mirror).execute(),
      ).toEqual([]);

      // The aggregates keep counting what happened.
      expect(
        await db()
          .selectFrom('daily_stats')
          .selectAll()
          .where('website_id', 'in', [retained, forever])
          .orderBy('website_id')
          .orderBy('day')
          .orderBy('bot')
          .execute(),
      ).toEqual(rollupsBefore);

      // A second pass finds nothing left to do; the identified visit survives any number of passes.
      expect(await applyRetention(spoor.storage, Date.now())).toMatchObject({
        visits: 0,
        pageviews: 0,
        anonymousPageviews: 0,
        visitors: 0,
        visitorAliases: 0,
      });
    });

    it('works through many rows in small batches, and two passes at once share the work', async () => {
      const origin = 'https://batches.shop.test';
      const website = await registerWebsite('Batches', origin, 7);
      const visits: string[] = [];
      for (let i = 0; i < 7; i++) {
        const hit = await pageview({ website, origin });
        await pageview({ website, origin, cookie: `spoor_vid=${hit.v}`, path: '/more' });
        visits.push(hit.s!);
      }
      for (let i = 0; i < 5; i++) await pageview({ website, origin, anonymous: true });
      await age(visits, 8);
      await ageAnonymousPageviews(website, 8);

      // "now" a day ahead also ages nothing recent into the period: there is nothing recent here.
      const [a, b] = await Promise.all([
        applyRetention(spoor.storage, Date.now(), { batchSize: 2 }),
        applyRetention(spoor.storage, Date.now(), { batchSize: 3 }),
      ]);
      expect(a.visits + b.visits).toBe(7);
      expect(a.pageviews + b.pageviews).toBe(14);
      expect(a.anonymousPageviews + b.anonymousPageviews).toBe(5);
      expect(a.visitors + b.visitors).toBe(7);
      expect(await visitsOf(website)).toEqual([]);
      expect(await pageviewsOf(website)).toEqual([]);
    });

    it('a pass over many rows deletes exactly the expired ones, in several batches, while collects keep being acknowledged', async () => {
      const origin = 'https://many.shop.test';
      const website = await registerWebsite('Many', origin, 30);
      const now = Date.now();
      const old = now - 40 * DAY;
      const visitRow = (id: string, startedAt: number, lastSeenAt: number, contactId: string | null) => ({
        id,
        website_id: website,
        visitor_id: `${id}-browser`,
        started_at: startedAt,
        last_seen_at: lastSeenAt,
        pageviews: 2,
        engaged_ms: 0,
        entry_path: '/',
        bot: 0,
        identified: contactId ? 1 : 0,
        contact_id: contactId,
      });
      const pageviewRow = (eventId: string, visitId: string | null, occurredAt: number) => ({
        website_id: website,
        event_id: eventId,
        visit_id: visitId,
        occurred_at: occurredAt,
        url: `${origin}/`,
        path: '/',
        engaged_ms: 0,
        bot: 0,
        anonymous: visitId ? 0 : 1,
      });
      const EXPIRED = 400;
      const expired = Array.from({ length: EXPIRED }, (_, i) =>
        visitRow(`exp-${i}`, old + i * 1000, old + i * 1000 + 5, null),
      );
      // Kept among them (the cursor passes them once): identified visits, and an old visit still going on.
      const kept = [
        ...Array.from({ length: 30 }, (_, i) =>
          visitRow(`known-${i}`, old + i * 1000 + 500, old + i * 1000 + 600, 'c-kept'),
        ),
        visitRow('ongoing', old + 100, now - DAY, null),
        visitRow('recent', now - DAY, now - DAY, null),
      ];
      const allVisits = [...expired, ...kept];
      for (let i = 0; i < allVisits.length; i += 100)
        await db()
          .insertInto('visits')
          .values(allVisits.slice(i, i + 100))
          .execute();
      const pageviews = [
        ...allVisits.flatMap((v) => [
          pageviewRow(`${v.id}-a`, v.id, v.started_at),
          pageviewRow(`${v.id}-b`, v.id, v.last_seen_at),
        ]),
        ...Array.from({ length: 150 }, (_, i) => pageviewRow(`anon-old-${i}`, null, old + i)),
        ...Array.from({ length: 5 }, (_, i) => pageviewRow(`anon-new-${i}`, null, now - DAY + i)),
      ];
      for (let i = 0; i < pageviews.length; i += 100)
        await db()
          .insertInto('pageviews')
          .values(pageviews.slice(i, i + 100))
          .execute();
      const expiredLeft = async () =>
        Number(
          (
            await db()
              .selectFrom('visits')
              .select((eb) => eb.fn.countAll().as('n'))
              .where('id', 'like', 'exp-%')
              .where('website_id', '=', website)
              .executeTakeFirstOrThrow()
          ).n,
        );

      // Collects, one after another, for as long as the pass runs; after each answer, how much was left.
      let passing = true;
      const pass = applyRetention(spoor.storage, now, { batchSize: 20 }).finally(() => {
        passing = false;
      });
      const leftAtAnswers: number[] = [];
      let answered = 0;
      while (passing) {
        await pageview({ website, origin, path: '/live' });
        answered += 1;
        leftAtAnswers.push(await expiredLeft());
      }
      const result = await pass;

      // Some collects were answered while the pass was half-way through the expired visits.
      expect(
        leftAtAnswers.some((left) => left > 0 && left < EXPIRED),
        JSON.stringify(leftAtAnswers),
      ).toBe(true);
      expect(result).toMatchObject({ visits: EXPIRED, pageviews: EXPIRED * 2, anonymousPageviews: 150 });
      expect(result.batches).toBeGreaterThanOrEqual(EXPIRED / 20 + 150 / 20);
      expect(await expiredLeft()).toBe(0);
      const left = await db()
        .selectFrom('visits')
        .select('id')
        .where('website_id', '=', website)
        .where('id', 'not like', 'exp-%')
        .execute();
      expect(left.map((v) => v.id)).toEqual(expect.arrayContaining(kept.map((v) => v.id)));
      const pageviewsLeft = await db()
        .selectFrom('pageviews')
        .select(['event_id', 'path'])
        .where('website_id', '=', website)
        .execute();
      expect(pageviewsLeft.filter((p) => p.path === '/live')).toHaveLength(answered);
      expect(
        pageviewsLeft
          .filter((p) => p.path !== '/live')
          .map((p) => p.event_id)
          .sort(),
      ).toEqual(
        [
          ...kept.flatMap((v) => [`${v.id}-a`, `${v.id}-b`]),
          ...Array.from({ length: 5 }, (_, i) => `anon-new-${i}`),
        ].sort(),
      );
    });

    it('a fake "now" decides what is old: nothing is deleted before the period has passed', async () => {
      const origin = 'https://clock.shop.test';
      const website = await registerWebsite('Clock', origin, 10);
      const hit = await pageview({ website, origin });
      expect((await applyRetention(spoor.storage, Date.now() + 9 * DAY)).visits).toBe(0);
      expect(await visitsOf(website)).toHaveLength(1);
      const later = await applyRetention(spoor.storage, Date.now() + 11 * DAY);
      expect(later.visits).toBeGreaterThanOrEqual(1);
      expect(await visitsOf(website)).toEqual([]);
      expect(await db().selectFrom('visitors').select('id').where('id', '=', hit.v!).execute()).toEqual([]);
    });

    it('refuses a retention period that is not a whole number of days from 1', async () => {
      for (const retentionDays of [-1, 1.5, 'thirty']) {
        const res = await spoor.app.inject({
          method: 'PATCH',
          url: `/api/websites/${shopId}`,
          headers: spoor.auth,
          payload: { retentionDays },
        });
        expect(res.statusCode, String(retentionDays)).toBe(400);
      }
    });
  });
});
