// Scoring throughput: interactions per second from the interaction feed to scores, through the real
// feed consumer (a page of log rows, each item read from its source, awarded under a published model,
// the score, grade, sales-ready status and `score_changed` items written with the cursor). The
// interactions are visits of known contacts written straight to the tables (the log's trigger fires as
// on collect). Run alone, on each engine:
//   npx tsx bench/scoring/scoring-throughput.ts [interactions] [postgres://… for PostgreSQL]
// defaults to 20000 interactions over 2000 contacts on a temporary SQLite file. Then each visit is given
// two page views (one on /pricing) and every visit, ended, is settled (settle-visits.ts): `settle`.

import { createInteractionFeed } from '../../src/interaction-feed.ts';
import { newId } from '../../src/lib/ids.ts';
import { createModel, publishDraft } from '../../src/scoring/manage-models.ts';
import { publishJobKind } from '../../src/scoring/publish-model.ts';
import { scoreFeedNow } from '../../src/scoring/score-feed.ts';
import { settleEndedVisits } from '../../src/scoring/settle-visits.ts';
import { openStorage } from '../../src/storage/database.ts';
import { migrateToLatest } from '../../src/storage/migrate.ts';
import { temporaryDatabase } from '../email/temporary-database.ts';

const interactions = Number(process.argv[2] ?? 20_000);
const postgresUrl = process.argv[3];
const engine = postgresUrl ? 'postgres' : 'sqlite';
const contacts = Math.max(1, Math.round(interactions / 10));

const database = await temporaryDatabase(engine, postgresUrl ?? '');
const storage = openStorage(database.url);
try {
  await migrateToLatest(storage.db);
  const db = storage.db;
  const now = Date.now();
  const feed = createInteractionFeed();
  const model = await createModel(db, {
    name: 'Bench',
    model: {
      rules: [
        {
          id: 'pricing',
          name: 'Pricing',
          condition: { type: 'page_visit', urlPattern: '/pricing*' },
          points: 10,
          frequency: 'each',
          maxPerDay: 3,
        },
        {
          id: 'campaign',
          name: 'Campaign',
          condition: { type: 'campaign_visit', utmCampaign: 'spring' },
          points: 5,
          frequency: 'first',
        },
        {
          id: 'engaged',
          name: 'Engaged',
          condition: { type: 'engaged_time', seconds: 30 },
          points: 2,
          frequency: 'each',
        },
      ],
      decay: { type: 'expiry', days: 90 },
      grades: [
        { name: 'A', min: 60 },
        { name: 'B', min: 20 },
        { name: 'C', min: 0 },
      ],
      salesReadyThreshold: 60,
    },
  });
  await publishDraft(db, model.id);
  const version = (await db.selectFrom('scoring_model_versions').select('id').executeTakeFirstOrThrow()).id;
  await publishJobKind(storage, feed).run({
    id: 'bench',
    key: version,
    payload: { versionId: version },
    attempt: 1,
    owner: 'bench',
    signal: new AbortController().signal,
  });

  const websiteId = newId();
  await db
    .insertInto('websites')
    .values({
      id: websiteId,
      name: 'Shop',
      allowed_origins: '[]',
      visit_timeout_minutes: 30,
      visitor_cookie_days: 730,
      gpc_mode: 'ignore',
      retention_days: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
  const contactIds = Array.from({ length: contacts }, () => newId());
  for (let i = 0; i < contactIds.length; i += 500) {
    const slice = contactIds.slice(i, i + 500);
    await db
      .insertInto('contacts')
      .values(
        slice.map((id, j) => ({
          id,
          email: `c${i + j}@bench.example`,
          email_match: `c${i + j}@bench.example`,
          first_name: null,
          last_name: null,
          company: null,
          phone: null,
          job_title: null,
          country: null,
          custom: '{}',
          prefill_allowed: 0,
          email_tracking: null,
          created_at: now,
          updated_at: now,
        })),
      )
      .execute();
    await db
      .insertInto('visitors')
      .values(slice.map((id) => ({ id: `v-${id}`, created_at: now, last_seen_at: now, contact_id: id })))
      .execute();
  }
  const paths = ['/pricing', '/pricing/teams', '/blog/a', '/docs', '/'];
  for (let i = 0; i < interactions; i += 500) {
    const rows = Array.from({ length: Math.min(500, interactions - i) }, (_, j) => {
      const n = i + j;
      const contact = contactIds[n % contacts] as string;
      return {
        id: newId(),
        website_id: websiteId,
        visitor_id: `v-${contact}`,
        started_at: now - n * 1000,
        last_seen_at: now - n * 1000,
        pageviews: 1,
        engaged_ms: (n % 60) * 1000,
        entry_path: paths[n % paths.length] as string,
        referrer: null,
        referrer_host: null,
        utm_source: null,
        utm_medium: null,
        utm_campaign: n % 7 === 0 ? 'spring' : null,
        utm_term: null,
        utm_content: null,
        bot: 0,
        bot_reason: null,
        identified: 1,
        contact_id: contact,
      };
    });
    await db.insertInto('visits').values(rows).execute();
  }
  const started = process.hrtime.bigint();
  const handled = await scoreFeedNow(db, feed);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const ledger = await db
    .selectFrom('score_ledger')
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  const visitIds = (await db.selectFrom('visits').select(['id', 'visitor_id']).execute()).map((v) => v);
  for (let i = 0; i < visitIds.length; i += 250) {
    const rows = visitIds.slice(i, i + 250).flatMap((visit, j) =>
      ['/', '/pricing'].map((path, k) => ({
        website_id: websiteId,
        event_id: `${i + j}-${k}`,
        visit_id: visit.id,
        visitor_id: visit.visitor_id,
        occurred_at: now,
        url: `https://shop.example${path}`,
        path,
        title: null,
        referrer: null,
        engaged_ms: 0,
        bot: 0,
        bot_reason: null,
        anonymous: 0,
      })),
    );
    await db.insertInto('pageviews').values(rows).execute();
  }
  const settleStarted = process.hrtime.bigint();
  const settled = await settleEndedVisits(db, now + 3_600_000);
  const settleMs = Number(process.hrtime.bigint() - settleStarted) / 1e6;
  const after = await db
    .selectFrom('score_ledger')
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  console.log(
    JSON.stringify({
      engine,
      interactions: handled,
      contacts,
      ledgerRows: Number(ledger.n),
      ms: Math.round(ms),
      interactionsPerSecond: Math.round((handled / ms) * 1000),
      settle: {
        visits: settled,
        newLedgerRows: Number(after.n) - Number(ledger.n),
        ms: Math.round(settleMs),
        visitsPerSecond: Math.round((settled / settleMs) * 1000),
      },
    }),
  );
} finally {
  await storage.close();
  await database.dispose();
}
