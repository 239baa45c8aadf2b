// Saves that race for the same unique value (a hosted page's slug, on both engines): every answer is a 201
// or a 409 with a clear message, and exactly one record is created.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, describeEachEngine, type TestDatabase } from './helpers/engines.ts';
import { type RunningSpoor, startSpoor } from './helpers/spoor.ts';

const RACERS = 24;

describeEachEngine('the same unique value saved at once', (engine) => {
  let database: TestDatabase;
  let spoor: RunningSpoor;

  beforeAll(async () => {
    database = await createTestDatabase(engine);
    spoor = await startSpoor(database);
  });
  afterAll(async () => {
    await spoor?.close();
    await database?.drop();
  });

  it('answers 201 once and 409 to every other save of the same page slug', async () => {
    const create = () =>
      spoor.app.inject({
        method: 'POST',
        url: '/api/forms',
        headers: spoor.auth,
        payload: {
          name: 'Spring offer',
          fields: [{ key: 'email', type: 'email', label: 'Email', required: true }],
          page: { slug: 'spring-offer', title: 'Spring offer' },
        },
      });
    const answers = await Promise.all(Array.from({ length: RACERS }, create));
    for (const answer of answers) {
      expect([201, 409], answer.body).toContain(answer.statusCode);
      if (answer.statusCode === 409) {
        expect(answer.json().error).toBe('conflict');
        expect(answer.json().message).toMatch(/slug/);
      }
    }
    expect(answers.filter((a) => a.statusCode === 201)).toHaveLength(1);
    const forms = (await spoor.app.inject({ method: 'GET', url: '/api/forms', headers: spoor.auth })).json();
    const list = (forms.forms ?? forms) as { definition?: { page?: { slug?: string } } }[];
    expect(list.filter((f) => f.definition?.page?.slug === 'spring-offer')).toHaveLength(1);
  });
});
