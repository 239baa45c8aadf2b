// Waiting until the interaction feed can read everything logged so far. On PostgreSQL any transaction
// still running anywhere in the cluster holds the feed back (decision 013), and in CI other suites run
// long transactions beside this one: the wait is for a condition, with a generous hang guard.
import { logEnd } from '../../src/platform/interactions/store.ts';
import type { Db } from '../../src/storage/schema.ts';
import { waitFor } from './wait-for.ts';

export function waitForFeedVisible(db: Db): Promise<true> {
  return waitFor(
    'every logged interaction to be visible to the feed',
    async () => {
      const newest = await db
        .selectFrom('interaction_log')
        .select((eb) => eb.fn.max('seq').as('seq'))
        .executeTakeFirstOrThrow();
      return (await logEnd(db)).seq === Number(newest.seq ?? 0);
    },
    { timeoutMs: 120_000 },
  );
}
