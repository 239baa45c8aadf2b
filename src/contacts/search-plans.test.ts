// A search reads the same pages whichever plan SQLite uses (decision 024): the driving term's index
// ranges below the cap, a walk of contacts_by_created in page order past it. The cap is lowered to
// force each plan on a small table; PostgreSQL (one plan) must give the same pages too.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, describeEachEngine, type TestDatabase } from '../../test/helpers/engines.ts';
import type { Storage } from '../storage/database.ts';
import { searchTerms } from './search-terms.ts';
import { type ContactFilters, pageContacts, searchPlan } from './store.ts';

describeEachEngine('contact search plans', (engine) => {
  let database: TestDatabase;
  let storage: Storage;
  const firsts = ['Ann', 'Anna', 'Ben', 'Annika'];
  const lasts = ['Smith', 'Lee', 'Annan'];
  beforeAll(async () => {
    database = await createTestDatabase(engine);
    storage = database.open();
    const rows = Array.from({ length: 60 }, (_, i) => {
      const domain = i % 3 === 0 ? 'gmail.com' : i % 3 === 1 ? 'annex.example' : 'post.example';
      const email = `person${String(i).padStart(2, '0')}@${domain}`;
      return {
        id: `c${String((i * 37) % 60).padStart(3, '0')}`, // ids out of creation order
        email,
        email_match: email,
        first_name: firsts[i % 4]!,
        last_name: lasts[i % 3]!,
        company: i % 5 === 0 ? 'Annual Reports' : null,
        phone: null,
        job_title: null,
        country: null,
        custom: '{}',
        prefill_allowed: 0,
        email_tracking: null,
        created_at: 1_000 + Math.floor(i / 4), // four contacts per instant: the id breaks the tie
        updated_at: 1_000,
      };
    });
    await storage.db.insertInto('contacts').values(rows).execute();
    await storage.db
      .insertInto('email_suppressions')
      .values(
        rows
          .filter((_, i) => i % 2 === 0)
          .map((r) => ({
            email_match: r.email_match,
            reason: 'hard_bounce',
            send_id: null,
            detail: null,
            created_at: 1,
            until: null,
            contact_id: r.id,
            category: null,
          })),
      )
      .execute();
  });
  afterAll(async () => {
    await storage.close();
    await database.drop();
  });

  /** Every page of a search, 3 at a time, following the keyset cursor. */
  async function allPages(text: string, filters: ContactFilters, order: 'oldest' | 'newest', cap: number) {
    const pages: string[][] = [];
    let after: { createdAt: number; id: string } | undefined;
    for (;;) {
      const rows = await pageContacts(
        storage.db,
        { terms: searchTerms(text), filters, order, limit: 3, ...(after ? { after } : {}) },
        cap,
      );
      if (rows.length === 0) return pages;
      pages.push(rows.map((r) => r.id));
      const last = rows.at(-1)!;
      after = { createdAt: Number(last.created_at), id: last.id };
    }
  }

  const searches: [string, ContactFilters][] = [
    ['ann', {}],
    ['@gmail.com', {}],
    ['ann lee', {}],
    ['ANN person1', {}],
    ['ann', { bounced: true }],
    ['annik smith', { bounced: true }],
    ['nobody', {}],
  ];

  it.each(searches)('"%s" %o: the same pages past the cap (a walk) as below it', async (text, filters) => {
    for (const order of ['oldest', 'newest'] as const) {
      const ranges = await allPages(text, filters, order, 1_000_000);
      expect(await allPages(text, filters, order, 1)).toEqual(ranges);
      expect(await allPages(text, filters, order, 5)).toEqual(ranges);
    }
  });

  it('paging and matches are real: "ann lee" oldest first', async () => {
    const pages = await allPages('ann lee', {}, 'oldest', 1);
    // Lee is every third contact (i % 3 = 1); all first names but Ben start with "ann", and the
    // "annex.example" domain matches every i % 3 = 1 too, so Lee ∧ ann = every i % 3 = 1.
    expect(pages.flat()).toHaveLength(20);
    expect(pages[0]).toHaveLength(3);
  });

  it.runIf(engine === 'sqlite')(
    'SQLite drives from the rarest term under the cap, walks past it',
    async () => {
      const terms = searchTerms('ann person1');
      // "ann" matches most contacts, "person1" 10 (person10–19).
      expect(await searchPlan(storage.db, terms, 1_000)).toEqual({ driving: 1 });
      expect(await searchPlan(storage.db, terms, 11)).toEqual({ driving: 1 });
      expect(await searchPlan(storage.db, terms, 10)).toEqual({ driving: undefined });
    },
  );
});
