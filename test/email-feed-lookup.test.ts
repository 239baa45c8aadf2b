// The interaction feed reads a contact's email events by id (scoring and webhook consumers, the feed API).
// On SQLite email_events has no id key (migration 006); migration 040's partial index must serve the
// feed's lookup, or each page of email items scans the whole table on the event loop (decision 043).
import { CompiledQuery } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { contactEmailEventsByIds } from '../src/email/engagement/store.ts';
import type { Storage } from '../src/storage/database.ts';
import { catchingStatements } from './helpers/caught-statement.ts';
import { createTestDatabase, type TestDatabase } from './helpers/engines.ts';

// PostgreSQL kept email_events' primary key on id.
describe('email events read by the feed [sqlite]', () => {
  let database: TestDatabase;
  let storage: Storage;
  beforeEach(async () => {
    database = await createTestDatabase('sqlite');
    storage = database.open();
  });
  afterEach(async () => {
    await storage.close();
    await database.drop();
  });

  it('are found through an index, not by scanning every email event', async () => {
    // The statement the store really sends.
    const catching = catchingStatements(storage.db);
    await contactEmailEventsByIds(catching.db, ['e1', 'e2']);
    const compiled = catching.caught();
    expect(compiled).toHaveLength(1);
    const plan = await storage.db.executeQuery<{ detail: string }>(
      CompiledQuery.raw(`explain query plan ${compiled[0]?.sql}`, [...(compiled[0]?.parameters ?? [])]),
    );
    const details = plan.rows.map((row) => row.detail).join('\n');
    expect(details).toMatch(/email_events USING INDEX email_events_feed_by_id/);
    expect(details).not.toMatch(/SCAN email_events/);
  });
});
