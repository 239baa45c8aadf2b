// The personal-data registry over HTTP on SQLite and PostgreSQL: a domain that joins only through the
// registry (a throwaway "loyalty cards" table, created here) is exported, merged and erased with the
// rest, without privacy or identity naming it.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { personalData } from '../src/personal-data-holders.ts';
import type { PersonalDataHolder } from '../src/platform/personal-data/registry.ts';
import { createTestDatabase, describeEachEngine, type TestDatabase } from './helpers/engines.ts';
import { type RunningSpoor, startSpoor, submitFormAsBrowser } from './helpers/spoor.ts';
import { createForm, createWebsite } from './support/factories.ts';

const SHOP = 'https://www.shop.test';

interface Card {
  number: string;
  contact_id: string;
}

describeEachEngine('personal-data registry', (engine) => {
  let database: TestDatabase;
  let spoor: RunningSpoor;
  let unregister: () => void;
  let websiteId: string;

  // The throwaway domain: its table is not in the schema type, so it is reached with raw SQL.
  const loyaltyCards: PersonalDataHolder = {
    name: 'loyalty-cards',
    async export({ tx, contactId }) {
      const { rows } = await sql<Card>`
        select number, contact_id from loyalty_cards where contact_id = ${contactId} order by number
      `.execute(tx);
      return { loyaltyCards: rows.map((r) => ({ number: r.number })) };
    },
    async erase({ tx, contactId }) {
      const result = await sql`delete from loyalty_cards where contact_id = ${contactId}`.execute(tx);
      return { loyaltyCards: Number(result.numAffectedRows ?? 0) };
    },
    async merge({ tx, winnerId, loserId }) {
      await sql`update loyalty_cards set contact_id = ${winnerId} where contact_id = ${loserId}`.execute(tx);
    },
  };

  beforeAll(async () => {
    database = await createTestDatabase(engine);
    spoor = await startSpoor(database, { formRateLimit: 100_000 });
    await sql`create table loyalty_cards (number text primary key, contact_id text not null)`.execute(
      spoor.storage.db,
    );
    unregister = personalData.register(loyaltyCards);
    websiteId = await createWebsite(spoor, [SHOP]);
  });
  afterAll(async () => {
    unregister();
    await spoor.close();
    await database.drop();
  });

  const db = () => spoor.storage.db;
  const cards = async () =>
    (await sql<Card>`select number, contact_id from loyalty_cards order by number`.execute(db())).rows;
  const addCard = (number: string, contactId: string) =>
    sql`insert into loyalty_cards (number, contact_id) values (${number}, ${contactId})`.execute(db());

  const defineForm = (onMatch: 'update' | 'create') =>
    createForm(spoor, { name: `Sign-up (${onMatch})`, websiteId, onMatch });

  const contactsByEmail = (email: string) =>
    db().selectFrom('contacts').select('id').where('email_match', '=', email).orderBy('created_at').execute();

  it('exports, merges and erases the data of a domain registered only through the registry', async () => {
    // Two records of one person (a form that always creates), each with a loyalty card.
    const always = await defineForm('create');
    await submitFormAsBrowser(spoor, always, { email: 'ada@example.com' }, { origin: SHOP });
    await submitFormAsBrowser(spoor, always, { email: 'ada@example.com' }, { origin: SHOP });
    const [older, newer] = await contactsByEmail('ada@example.com');
    await addCard('card-1', older!.id);
    await addCard('card-2', newer!.id);
    await addCard('card-other', 'someone-else');

    // A form that matches by email proves they are one person: the newer card follows the merge.
    const byEmail = await defineForm('update');
    await submitFormAsBrowser(spoor, byEmail, { email: 'ada@example.com' }, { origin: SHOP });
    expect(await contactsByEmail('ada@example.com')).toEqual([{ id: older!.id }]);
    expect(await cards()).toEqual([
      { number: 'card-1', contact_id: older!.id },
      { number: 'card-2', contact_id: older!.id },
      { number: 'card-other', contact_id: 'someone-else' },
    ]);

    const exported = await spoor.app.inject({
      method: 'GET',
      url: `/api/contacts/${older!.id}/export`,
      headers: spoor.auth,
    });
    expect(exported.statusCode, exported.body).toBe(200);
    expect(exported.json()).toMatchObject({
      contactId: older!.id,
      contact: { email: 'ada@example.com' },
      loyaltyCards: [{ number: 'card-1' }, { number: 'card-2' }],
    });

    const erased = await spoor.app.inject({
      method: 'DELETE',
      url: `/api/contacts/${older!.id}`,
      headers: spoor.auth,
    });
    expect(erased.statusCode, erased.body).toBe(200);
    expect(erased.json().deleted).toMatchObject({ contacts: 1, formSubmissions: 3, loyaltyCards: 2 });
    expect(await cards()).toEqual([{ number: 'card-other', contact_id: 'someone-else' }]);
    const audit = await db().selectFrom('contact_erasures').select('counts').execute();
    expect(JSON.parse(audit[0]!.counts)).toMatchObject({ loyaltyCards: 2 });
  });

  it('a failing holder rolls the whole erasure back', async () => {
    const always = await defineForm('create');
    await submitFormAsBrowser(spoor, always, { email: 'grace@example.com' }, { origin: SHOP });
    const [grace] = await contactsByEmail('grace@example.com');
    await addCard('card-3', grace!.id);
    // In front of contacts: erased last of all, after every other holder (and the contact row) went.
    const remove = personalData.register(
      {
        name: 'broken',
        export: async () => ({}),
        erase: async () => {
          throw new Error('broken holder');
        },
        merge: async () => {},
      },
      { before: 'contacts' },
    );
    try {
      const res = await spoor.app.inject({
        method: 'DELETE',
        url: `/api/contacts/${grace!.id}`,
        headers: spoor.auth,
      });
      expect(res.statusCode).toBe(500);
    } finally {
      remove();
    }
    expect(await contactsByEmail('grace@example.com')).toEqual([{ id: grace!.id }]);
    expect((await cards()).map((c) => c.number)).toContain('card-3');
  });
});

describe('personal-data registry lists', () => {
  it('every domain that holds personal data is registered', () => {
    expect(personalData.names()).toEqual([
      'contacts',
      'forms',
      'identity',
      'tracking',
      'lists',
      'events',
      'email-engagement',
      'email-sends',
      'offers',
      'email-outcomes',
      'email-forwards',
      'webhooks',
      'scoring',
    ]);
  });
});
