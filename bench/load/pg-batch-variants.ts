// Variants of the PostgreSQL tracking batch for pg-batch-costs.ts (decision 047): what the page-view
// partitions and their locks (decision 041) cost a batch, measured by taking each away on a schema of its
// own, and candidate cuts tried before they are written into the store. Each variant is a set-up of its
// schema and a rewrite of the shipped program's statements; the program's logic is the store's own.
import { type Kysely, sql } from 'kysely';
import type { Statement, StatementProgram } from '../../src/storage/statements.ts';
import type { TrackingEvent } from '../../src/tracking/events.ts';
import { monthOf } from '../../src/tracking/partitions.ts';

type Rows = Record<string, unknown>[];

export interface BatchVariant {
  name: string;
  about: string;
  /** Run once on the variant's migrated schema. */
  setUp?(db: Kysely<unknown>): Promise<void>;
  /** The batch's statements as this variant sends them. */
  rewrite?(statement: Statement, batch: readonly TrackingEvent[]): Statement;
  /** Reads of an `allTogether` this variant does not send (answered with no rows). */
  skipRead?(text: string): boolean;
}

const isPageviewLock = (text: string) => text.includes('pg_advisory_xact_lock(21037');
const isPageviewInsert = (s: Statement) => s.kind === 'write' && s.sql.startsWith('insert into pageviews ');

/** An unpartitioned page view table in place of the partitioned one: same columns, key and indexes. */
async function unpartition(db: Kysely<unknown>): Promise<void> {
  await sql`create table pageviews_plain (like pageviews including defaults including constraints including indexes)`.execute(
    db,
  );
  await sql`drop table pageviews`.execute(db);
  await sql`alter table pageviews_plain rename to pageviews`.execute(db);
}

export const VARIANTS: Record<string, BatchVariant> = {
  shipped: { name: 'shipped', about: 'as the store sends it' },
  nolock: {
    name: 'nolock',
    about: 'without the page view locks',
    skipRead: isPageviewLock,
  },
  plain: {
    name: 'plain',
    about: 'one unpartitioned page view table, no page view locks (the shape before decision 041)',
    setUp: unpartition,
    skipRead: isPageviewLock,
  },
  plainlock: {
    name: 'plainlock',
    about: 'one unpartitioned page view table, with the page view locks',
    setUp: unpartition,
  },
  live: {
    name: 'live',
    about: 'page views read, inserted and updated through pageviews_live (one level of routing less)',
    rewrite: (s) => throughTable(s, 'pageviews_live'),
  },
  before047: {
    name: 'before047',
    about: "decision 047's two statements as they were: the page view read by any(), the update unbounded",
    rewrite: asBefore047,
  },
  leaf: {
    name: 'leaf',
    about: "page views inserted and updated in their month's partition directly, read through pageviews_live",
    rewrite: (s, batch) =>
      s.kind === 'allTogether'
        ? throughTable(s, 'pageviews_live')
        : throughTable(s, monthOf(batch[0]!.receivedAt).name),
  },
};

const RANGE = ' and pageviews.occurred_at between ? and ?';

/** The page view read and the engaged-time update as they were before decision 047. */
function asBefore047(s: Statement): Statement {
  if (s.kind === 'write' && s.sql.startsWith('update pageviews set') && s.sql.endsWith(RANGE))
    return { ...s, sql: s.sql.slice(0, -RANGE.length), params: s.params.slice(0, -2) };
  if (s.kind !== 'allTogether') return s;
  return {
    ...s,
    reads: s.reads.map(([text, params]) =>
      text.includes('join pageviews p on p.website_id = k.website_id')
        ? [
            `select p.website_id, p.event_id, p.visit_id, v.visitor_id, p.occurred_at, p.path, p.engaged_ms, p.bot
              from pageviews p left join visits v on v.id = p.visit_id
              where p.website_id = any(?::text[]) and p.event_id = any(?::text[])
                and p.occurred_at between ? and ? and p.kept = 0`,
            [[...new Set(params[0] as string[])], [...new Set(params[1] as string[])], params[2], params[3]],
          ]
        : [text, params],
    ),
  };
}

/** The page view read, insert and engaged-time update sent to `table` instead of the parent. */
function throughTable(s: Statement, table: string): Statement {
  if (s.kind === 'allTogether')
    return {
      ...s,
      reads: s.reads.map(([text, params]) => [
        text.replace('join pageviews p on', `join ${table} p on`),
        params,
      ]),
    };
  if (isPageviewInsert(s) && s.kind === 'write')
    return { ...s, sql: s.sql.replace('insert into pageviews ', `insert into ${table} `) };
  if (s.kind === 'write' && s.sql.startsWith('update pageviews set'))
    return { ...s, sql: s.sql.replace('update pageviews set', `update ${table} as pageviews set`) };
  return s;
}

/** Monthly partitions for the `months` before `at`'s month: a year's retention holds about 13. */
export async function pastMonths(db: Kysely<unknown>, at: number, months: number): Promise<void> {
  let month = monthOf(at);
  for (let i = 0; i < months; i++) {
    month = monthOf(month.from - 1);
    await sql`create table ${sql.ref(month.name)} partition of pageviews_live
      for values from (${sql.lit(month.from)}) to (${sql.lit(month.to)})`.execute(db);
  }
}

/** The program with the variant's rewrites (the rows of a skipped read are none). */
export function* asVariant<T>(
  program: StatementProgram<T>,
  variant: BatchVariant,
  batch: readonly TrackingEvent[],
): StatementProgram<T> {
  let step = program.next();
  while (!step.done) {
    let statement = step.value;
    if (variant.rewrite) statement = variant.rewrite(statement, batch);
    if (statement.kind === 'allTogether' && variant.skipRead) {
      const skip = statement.reads.map(([text]) => variant.skipRead?.(text) ?? false);
      const answered = (yield {
        kind: 'allTogether',
        reads: statement.reads.filter((_, i) => !skip[i]),
      }) as Rows[];
      let next = 0;
      step = program.next(skip.map((skipped) => (skipped ? [] : answered[next++])));
    } else step = program.next(yield statement);
  }
  return step.value;
}
