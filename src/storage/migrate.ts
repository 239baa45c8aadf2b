// Applies the numbered migrations in order; the same files run on SQLite and PostgreSQL.
import { type Kysely, type Migration, Migrator, PostgresAdapter, sql } from 'kysely';
import * as foundation from './migrations/001-foundation.ts';
import * as contactsForms from './migrations/002-contacts-forms.ts';
import * as privacy from './migrations/003-privacy.ts';
import * as email from './migrations/004-email.ts';
import * as visitsByStart from './migrations/005-visits-by-start.ts';
import * as emailEventLayout from './migrations/006-email-event-layout.ts';
import * as sendPause from './migrations/007-send-pause.ts';
import * as apiKeyScopes from './migrations/008-api-key-scopes.ts';
import * as sendLastError from './migrations/009-send-last-error.ts';
import * as jobs from './migrations/010-jobs.ts';
import * as interactionLog from './migrations/011-interaction-log.ts';
import * as accounts from './migrations/012-accounts.ts';
import * as reportDimensions from './migrations/013-report-dimensions.ts';
import * as contactsDashboard from './migrations/014-contacts-dashboard.ts';
import * as listAudienceCounts from './migrations/015-list-audience-counts.ts';
import * as bouncesAndSuppression from './migrations/016-bounces-and-suppression.ts';
import * as subscriptionCenter from './migrations/017-subscription-center.ts';
import * as dashboardLatency from './migrations/018-dashboard-latency.ts';
import * as listSuppressedCounts from './migrations/019-list-suppressed-counts.ts';
import * as forwards from './migrations/020-forwards.ts';
import * as webhookTokens from './migrations/021-webhook-tokens.ts';
import * as offers from './migrations/023-offers.ts';
import * as events from './migrations/024-events.ts';
import * as unsubscribesBySend from './migrations/025-unsubscribes-by-send.ts';
import * as eventWaitlist from './migrations/027-event-waitlist.ts';
import * as eventCheckIns from './migrations/028-event-check-ins.ts';
import * as eventCalendar from './migrations/029-event-calendar.ts';
import * as eventInsights from './migrations/031-event-insights.ts';
import * as feedConsumers from './migrations/032-feed-consumers.ts';
import * as scoring from './migrations/033-scoring.ts';
import * as scoringVisitMarks from './migrations/034-scoring-visit-marks.ts';
import * as webhookEndpoints from './migrations/035-webhook-endpoints.ts';
import * as webhookDeliveries from './migrations/036-webhook-deliveries.ts';
import * as pageviewPartitions from './migrations/037-pageview-partitions.ts';
import * as compactPageviews from './migrations/039-compact-pageviews.ts';
import * as emailEventsById from './migrations/040-email-events-by-id.ts';
import * as openRecipientsIndex from './migrations/041-open-recipients-index.ts';
import type { Database } from './schema.ts';

const migrations: Record<string, Migration> = {
  '001-foundation': foundation,
  '002-contacts-forms': contactsForms,
  '003-privacy': privacy,
  '004-email': email,
  '005-visits-by-start': visitsByStart,
  '006-email-event-layout': emailEventLayout,
  '007-send-pause': sendPause,
  '008-api-key-scopes': apiKeyScopes,
  '009-send-last-error': sendLastError,
  '010-jobs': jobs,
  '011-interaction-log': interactionLog,
  '012-accounts': accounts,
  '013-report-dimensions': reportDimensions,
  '014-contacts-dashboard': contactsDashboard,
  '015-list-audience-counts': listAudienceCounts,
  '016-bounces-and-suppression': bouncesAndSuppression,
  '017-subscription-center': subscriptionCenter,
  '018-dashboard-latency': dashboardLatency,
  '019-list-suppressed-counts': listSuppressedCounts,
  '020-forwards': forwards,
  '021-webhook-tokens': webhookTokens,
  '023-offers': offers,
  '024-events': events,
  '025-unsubscribes-by-send': unsubscribesBySend,
  '027-event-waitlist': eventWaitlist,
  '028-event-check-ins': eventCheckIns,
  '029-event-calendar': eventCalendar,
  '031-event-insights': eventInsights,
  '032-feed-consumers': feedConsumers,
  '033-scoring': scoring,
  '034-scoring-visit-marks': scoringVisitMarks,
  '035-webhook-endpoints': webhookEndpoints,
  '036-webhook-deliveries': webhookDeliveries,
  '037-pageview-partitions': pageviewPartitions,
  '039-compact-pageviews': compactPageviews,
  '040-email-events-by-id': emailEventsById,
  '041-open-recipients-index': openRecipientsIndex,
};

async function migratorFor(db: Kysely<Database>): Promise<Migrator> {
  // Kysely looks for its bookkeeping tables in every schema unless told which; name ours, so that
  // another Spoor database in the same PostgreSQL (another schema) is never mistaken for this one.
  const migrationTableSchema =
    db.getExecutor().adapter instanceof PostgresAdapter
      ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema
      : undefined;
  return new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    // Migrations are written in parallel and each only adds its own tables or columns, so one can land
    // with a lower number than one a development database already has (020 after 021). Run it then
    // instead of refusing to start; a fresh install still runs them in number order.
    allowUnorderedMigrations: true,
    ...(migrationTableSchema ? { migrationTableSchema } : {}),
  });
}

/** The names of the migrations not yet applied to this database, in order (reads only). */
export async function pendingMigrations(db: Kysely<Database>): Promise<string[]> {
  const migrator = await migratorFor(db);
  for (let attempt = 1; ; attempt++) {
    try {
      const all = await migrator.getMigrations();
      return all.filter((migration) => migration.executedAt === undefined).map((migration) => migration.name);
    } catch (error) {
      // The same look at every schema's tables as before migrating (below): retried alike.
      if (attempt < INTROSPECTION_ATTEMPTS && isSchemaDroppedMeanwhile(error)) continue;
      throw error;
    }
  }
}

/** Applies every pending migration; returns the names applied. */
export async function migrateToLatest(db: Kysely<Database>): Promise<string[]> {
  const migrator = await migratorFor(db);
  for (let attempt = 1; ; attempt++) {
    const { error, results } = await migrator.migrateToLatest();
    const failed = results?.find((r) => r.status === 'Error');
    if (!error && !failed) return (results ?? []).map((r) => r.migrationName);
    if (!failed && attempt < INTROSPECTION_ATTEMPTS && isSchemaDroppedMeanwhile(error)) continue;
    // Kysely names a migration that failed; anything else failed around them (its look at the existing
    // tables, its lock): PostgreSQL's code and the function that raised it then say where.
    const where = failed ? ` (${failed.migrationName})` : ` (outside the migrations${raisedBy(error)})`;
    throw new Error(
      `Database migration failed${where}: ${(error as Error | undefined)?.message ?? 'unknown error'}`,
    );
  }
}

/** Applies the migrations up to and including `name` (tests of a migration over existing rows). */
export async function migrateTo(db: Kysely<Database>, name: string): Promise<void> {
  const migrator = await migratorFor(db);
  for (let attempt = 1; ; attempt++) {
    const { error, results } = await migrator.migrateTo(name);
    if (!error) return;
    // The same look at every schema's tables as migrateToLatest's (below): retried alike.
    const failed = results?.some((r) => r.status === 'Error');
    if (failed || attempt >= INTROSPECTION_ATTEMPTS || !isSchemaDroppedMeanwhile(error)) throw error;
  }
}

/**
 * Before migrating, Kysely lists the columns of every table in every schema of the PostgreSQL database
 * (PostgresIntrospector.getTables), calling `pg_get_serial_sequence(schema.table, column)` for each. That
 * function looks the names up again, outside the query's snapshot: a schema dropped meanwhile (another
 * Spoor database in the same PostgreSQL being removed, or a test's `drop schema … cascade`) makes it
 * fail although ours is fine: with "schema … does not exist" (3F000), "relation … does not exist"
 * (42P01), or "column "created_at" of relation "jobs" does not exist" (42703, the other schema's
 * table, unqualified), depending on which lookup the drop's commit falls between. Nothing was migrated
 * then, so the check is simply made again.
 */
const INTROSPECTION_ATTEMPTS = 5;
const DROPPED_MEANWHILE = new Set(['3F000', '42P01', '42703']);

function isSchemaDroppedMeanwhile(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && DROPPED_MEANWHILE.has(code);
}

/** `; PostgreSQL 42703 in pg_get_serial_sequence` for a PostgreSQL error, or nothing. */
function raisedBy(error: unknown): string {
  const { code, routine } = (error ?? {}) as { code?: unknown; routine?: unknown };
  if (typeof code !== 'string') return '';
  return `; PostgreSQL ${code}${typeof routine === 'string' ? ` in ${routine}` : ''}`;
}
