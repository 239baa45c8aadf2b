// First-start set-up on both engines: the demo website gets the fixed id the README's tour uses, once, even when
// two nodes start together; a database whose demo website predates the fixed id keeps its own.
import { afterEach, expect, it } from 'vitest';
import { bootstrap, DEMO_WEBSITE_ID } from '../src/bootstrap.ts';
import { loadConfig } from '../src/config.ts';
import type { Storage } from '../src/storage/database.ts';
import { registerWebsite } from '../src/websites/manage-websites.ts';
import { createTestDatabase, describeEachEngine, type TestDatabase } from './helpers/engines.ts';

const config = loadConfig({ SPOOR_DEMO: 'true', PORT: '8080' });

describeEachEngine('first-start set-up', (engine) => {
  let database: TestDatabase;
  let storages: Storage[] = [];
  const open = () => {
    const storage = database.open();
    storages.push(storage);
    return storage;
  };
  afterEach(async () => {
    await Promise.all(storages.map((s) => s.close()));
    storages = [];
    await database.drop();
  });

  const websites = (storage: Storage) => storage.db.selectFrom('websites').select(['id', 'name']).execute();

  it('registers the demo website as "demo", once, also when two nodes start at the same time', async () => {
    database = await createTestDatabase(engine);
    const [a, b] = [open(), open()];
    const results = await Promise.all([bootstrap(a.db, config), bootstrap(b.db, config)]);
    expect(results.map((r) => r.demoWebsiteId)).toEqual([DEMO_WEBSITE_ID, DEMO_WEBSITE_ID]);
    expect((await bootstrap(a.db, config)).demoWebsiteId).toBe(DEMO_WEBSITE_ID);
    expect(await websites(a)).toEqual([{ id: 'demo', name: 'Demo shop' }]);
  });

  it('keeps a demo website registered before its id was fixed', async () => {
    database = await createTestDatabase(engine);
    const storage = open();
    const old = await registerWebsite(storage.db, {
      name: 'Demo shop',
      allowedOrigins: ['http://localhost:8080'],
    });
    await storage.db.insertInto('settings').values({ key: 'demo_website_id', value: old.id }).execute();
    expect((await bootstrap(storage.db, config)).demoWebsiteId).toBe(old.id);
    expect(await websites(storage)).toEqual([{ id: old.id, name: 'Demo shop' }]);
  });
});
