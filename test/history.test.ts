// Contact history over HTTP on SQLite and PostgreSQL: visits (including those from before the browser
// was identified) with their page views, form submissions, cursor paging, merged ids and bad input.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, describeEachEngine, type TestDatabase } from './helpers/engines.ts';
import { CHROME_UA, eventId, type RunningSpoor, startSpoor, submitFormAsBrowser } from './helpers/spoor.ts';
import { createContact, createVia, createWebsite } from './support/factories.ts';

const SHOP = 'https://www.shop.test';
const BLOG = 'https://blog.shop.test';
const HOUR = 3_600_000;

interface Item {
  type: string;
  at: string;
  id: string;
  [key: string]: unknown;
}
interface Page {
  contactId: string;
  order: string;
  items: Item[];
  nextCursor: string | null;
}

describeEachEngine('contact history', (engine) => {
  let database: TestDatabase;
  let spoor: RunningSpoor;
  let shopId: string;
  let blogId: string;
  let formCounter = 0;

  beforeAll(async () => {
    database = await createTestDatabase(engine);
    spoor = await startSpoor(database, { collectRateLimit: 100_000, formRateLimit: 100_000 });
    shopId = await registerWebsite('Shop', SHOP);
    blogId = await registerWebsite('Blog', BLOG);
  });
  afterAll(async () => {
    await spoor.close();
    await database.drop();
  });

  const db = () => spoor.storage.db;

  const registerWebsite = (name: string, origin: string) => createWebsite(spoor, [origin], { name });

  function defineForm(overrides: Record<string, unknown> = {}) {
    formCounter += 1;
    return createVia<{ id: string; name: string }>(spoor, '/api/forms', {
      name: `Contact us ${formCounter}`,
      websiteId: shopId,
      fields: [
        { key: 'email', type: 'email', label: 'Email', required: true },
        { key: 'firstName', type: 'text', label: 'First name' },
        { key: 'consent_news', type: 'consent', label: 'Send me news' },
      ],
      ...overrides,
    });
  }

  const submit = (formId: string, fields: Record<string, unknown>, cookie?: string) =>
    submitFormAsBrowser(spoor, formId, fields, { origin: SHOP, ...(cookie ? { cookie } : {}) });

  async function pageview(
    options: { website?: string; origin?: string; cookie?: string; url?: string; title?: string } = {},
  ) {
    const e = eventId();
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
        e,
        t: 'pv',
        u: options.url ?? `${origin}/`,
        ...(options.title ? { ti: options.title } : {}),
      }),
    });
    expect(res.statusCode, res.body).toBe(200);
    return { ...(res.json() as { v: string; s: string }), eventId: e };
  }

  async function engaged(pageviewEventId: string, ms: number, cookie: string) {
    const res = await spoor.app.inject({
      method: 'POST',
      url: '/c',
      headers: { 'content-type': 'text/plain', origin: SHOP, 'user-agent': CHROME_UA, cookie },
      payload: JSON.stringify({ w: shopId, e: eventId(), t: 'en', p: pageviewEventId, ms }),
    });
    expect(res.statusCode, res.body).toBe(200);
  }

  /** Moves a visit and its page views into the past, as if it had happened `ms` earlier. */
  async function backdateVisit(visitId: string, ms: number) {
    await db()
      .updateTable('visits')
      .set((eb) => ({ started_at: eb('started_at', '-', ms), last_seen_at: eb('last_seen_at', '-', ms) }))
      .where('id', '=', visitId)
      .execute();
    await db()
      .updateTable('pageviews')
      .set((eb) => ({ occurred_at: eb('occurred_at', '-', ms) }))
      .where('visit_id', '=', visitId)
      .execute();
  }

  async function contactIdOf(email: string): Promise<string> {
    const row = await db()
      .selectFrom('contacts')
      .select('id')
      .where('email_match', '=', email)
      .executeTakeFirstOrThrow();
    return row.id;
  }

  async function history(contactId: string, query = '') {
    return spoor.app.inject({
      url: `/api/contacts/${contactId}/history${query}`,
      headers: spoor.auth,
    });
  }

  async function allPages(contactId: string, limit: number): Promise<Item[]> {
    const items: Item[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 50; i++) {
      const res = await history(
        contactId,
        `?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(res.statusCode, res.body).toBe(200);
      const page = res.json() as Page;
      expect(page.items.length).toBeLessThanOrEqual(limit);
      items.push(...page.items);
      cursor = page.nextCursor;
      if (!cursor) return items;
    }
    throw new Error('paging did not end');
  }

  it('shows the visits a browser made before it was identified, with page views, and the submission', async () => {
    const form = await defineForm();
    // An anonymous browser reads two pages of the shop (one visit) ...
    const first = await pageview({ title: 'Home' });
    const cookie = `spoor_vid=${first.v}`;
    const pricing = await pageview({ cookie, url: `${SHOP}/pricing`, title: 'Pricing' });
    expect(pricing.s).toBe(first.s);
    await engaged(pricing.eventId, 1500, cookie);
    await backdateVisit(first.s, 2 * HOUR);
    // ... then, later, arrives on the blog from a campaign (another visit) ...
    const blog = await pageview({
      website: blogId,
      origin: BLOG,
      cookie,
      url: `${BLOG}/post?utm_source=news&utm_medium=email&utm_campaign=spring`,
      title: 'Post',
    });
    await backdateVisit(blog.s, HOUR);
    // ... and only then fills in a form, which identifies the browser.
    await submit(form.id, { email: 'early@example.com', firstName: 'Early', consent_news: 'on' }, cookie);
    const contactId = await contactIdOf('early@example.com');

    const res = await history(contactId);
    expect(res.statusCode, res.body).toBe(200);
    const page = res.json() as Page;
    expect(page.order).toBe('newest-first');
    expect(page.nextCursor).toBeNull();
    expect(page.items.map((i) => [i.type, i.id])).toEqual([
      ['form_submission', expect.any(String)],
      ['visit', blog.s],
      ['visit', first.s],
    ]);
    const [submission, blogVisit, shopVisit] = page.items;
    expect(submission).toMatchObject({
      form: { id: form.id, name: form.name },
      status: 'processed',
      outcome: 'created',
      anonymous: false,
      consents: { consent_news: true },
      values: { email: 'early@example.com', firstName: 'Early' },
    });
    expect(blogVisit).toMatchObject({
      website: { id: blogId, name: 'Blog' },
      entryPath: '/post',
      utm: { source: 'news', medium: 'email', campaign: 'spring', term: null, content: null },
      pageviewCount: 1,
      pageviews: [
        { url: `${BLOG}/post?utm_source=news&utm_medium=email&utm_campaign=spring`, title: 'Post' },
      ],
    });
    expect(shopVisit).toMatchObject({
      website: { id: shopId, name: 'Shop' },
      entryPath: '/',
      referrer: null,
      pageviewCount: 2,
      engagedMs: 1500,
      bot: null,
      pageviews: [
        { path: '/', title: 'Home', engagedMs: 0 },
        { path: '/pricing', url: `${SHOP}/pricing`, title: 'Pricing', engagedMs: 1500 },
      ],
    });
    // Times are ISO instants, newest first, and a visit's page views are oldest first.
    const times = page.items.map((i) => Date.parse(i.at));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(shopVisit!.startedAt).toBe(shopVisit!.at);
    const pvs = shopVisit!.pageviews as { at: string }[];
    expect(Date.parse(pvs[0]!.at)).toBeLessThanOrEqual(Date.parse(pvs[1]!.at));

    // A visit after identification joins the history at the top.
    const later = await pageview({ cookie, url: `${SHOP}/thanks` });
    const after = (await history(contactId, '?limit=1')).json() as Page;
    expect(after.items.map((i) => i.id)).toEqual([later.s]);
    expect(after.nextCursor).not.toBeNull();
  });

  it('a contact with no interactions has an empty history', async () => {
    const created = await createContact(spoor, { email: 'quiet@example.com' });
    const res = await history(created);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ items: [], nextCursor: null });
  });

  it('pages through every item exactly once, also when items share an instant', async () => {
    const form = await defineForm();
    const first = await pageview();
    const cookie = `spoor_vid=${first.v}`;
    await pageview({ website: blogId, origin: BLOG, cookie });
    await submit(form.id, { email: 'pager@example.com' }, cookie);
    await submit(form.id, { email: 'pager@example.com', firstName: 'Paige' }, cookie);
    await pageview({ cookie }); // continues the shop visit
    const other = await pageview(); // a second browser of the same person
    await submit(form.id, { email: 'pager@example.com' }, `spoor_vid=${other.v}`);
    await pageview({ website: blogId, origin: BLOG, cookie: `spoor_vid=${other.v}` });
    const contactId = await contactIdOf('pager@example.com');

    const full = (await history(contactId, '?limit=200')).json() as Page;
    expect(full.items.filter((i) => i.type === 'visit')).toHaveLength(4);
    expect(full.items.filter((i) => i.type === 'form_submission')).toHaveLength(3);
    for (const limit of [1, 2, 3, 7]) {
      expect((await allPages(contactId, limit)).map((i) => i.id)).toEqual(full.items.map((i) => i.id));
    }

    // Everything at one instant: order is by type, then by id within each source.
    const instant = Date.UTC(2025, 0, 1);
    await db()
      .updateTable('visits')
      .set({ started_at: instant })
      .where('contact_id', '=', contactId)
      .execute();
    await db()
      .updateTable('form_submissions')
      .set({ received_at: instant })
      .where('contact_id', '=', contactId)
      .execute();
    const tied = (await history(contactId, '?limit=200')).json() as Page;
    expect(tied.items.map((i) => i.type)).toEqual([
      ...Array(4).fill('visit'),
      ...Array(3).fill('form_submission'),
    ]);
    for (const limit of [1, 2, 3]) {
      const paged = await allPages(contactId, limit);
      expect(paged.map((i) => i.id)).toEqual(tied.items.map((i) => i.id));
      expect(new Set(paged.map((i) => i.id)).size).toBe(7);
    }
  });

  it('a merged-away id answers 404 naming the surviving contact, whose history has both', async () => {
    const always = await defineForm({ onMatch: 'create' });
    await submit(always.id, { email: 'twin@example.com', firstName: 'Old' });
    await submit(always.id, { email: 'twin@example.com', firstName: 'New' });
    const [older, newer] = await db()
      .selectFrom('contacts')
      .select('id')
      .where('email_match', '=', 'twin@example.com')
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    const byEmail = await defineForm();
    await submit(byEmail.id, { email: 'twin@example.com' });

    const res = await history(newer!.id);
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ error: 'not_found', details: { mergedInto: older!.id } });
    expect(res.json().message).toContain(older!.id);

    const survivor = (await history(older!.id)).json() as Page;
    expect(survivor.items.filter((i) => i.type === 'form_submission')).toHaveLength(3);
  });

  describe('bad input', () => {
    it.each([
      ['?limit=0'],
      ['?limit=201'],
      ['?limit=ten'],
      ['?cursor=not%20a%20cursor'],
      [`?cursor=${Buffer.from('{"at":1}').toString('base64url')}`],
      [`?cursor=${Buffer.from('[1,"visit","x y"]').toString('base64url')}`],
      [`?cursor=${Buffer.from('[-5,"visit","abc"]').toString('base64url')}`],
    ])('%s → 400 with a message', async (query) => {
      const created = await createContact(spoor, { email: 'bad-input@example.com' });
      const res = await history(created, query);
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json()).toMatchObject({ error: 'bad_request', message: expect.any(String) });
    });

    it('an unknown contact → 404; without an API key → 401', async () => {
      const res = await history('nobodyNobodyNobody42');
      expect(res.statusCode).toBe(404);
      expect(res.json()).toEqual({
        error: 'not_found',
        message: 'No contact with id "nobodyNobodyNobody42".',
      });
      const anonymous = await spoor.app.inject({ url: '/api/contacts/nobodyNobodyNobody42/history' });
      expect(anonymous.statusCode).toBe(401);
    });
  });
});
