// What each dashboard request asks SQLite, and how SQLite answers it: every statement the request runs
// (captured from better-sqlite3 while the request is injected into an in-process Spoor), with its
// EXPLAIN QUERY PLAN. A plan line "SCAN <table>" on a table that grows with traffic or contacts is listed,
// so the page can tell an index range (SEARCH) or a keyset walk that stops at its LIMIT from a full scan.
import SqliteDatabase from 'better-sqlite3';

/** Tables whose rows grow with page views, visitors, contacts or recipients. */
export const LARGE_TABLES = new Set([
  'pageviews',
  'visits',
  'visitors',
  'contacts',
  'list_members',
  'send_recipients',
  'email_events',
  'send_engagement',
  'form_submissions',
  'interaction_log',
]);

export interface StatementPlan {
  sql: string;
  plan: string[];
}

export interface RequestPlan {
  statements: StatementPlan[];
  /** Plan lines that scan a large table (in order, or whole); empty when every read is an index search. */
  scans: string[];
}

interface Captured {
  source: string;
  params: unknown[];
}

let capturing: Captured[] | null = null;
let installed = false;

/** Records the SQL of every statement run while `capture` runs (once per process, on the prototype). */
function install(): void {
  if (installed) return;
  installed = true;
  const probe = new SqliteDatabase(':memory:');
  const proto = Object.getPrototypeOf(probe.prepare('select 1')) as Record<string, unknown>;
  probe.close();
  for (const method of ['all', 'get', 'run', 'iterate']) {
    const original = proto[method] as (...args: unknown[]) => unknown;
    proto[method] = function (this: { source: string }, ...args: unknown[]) {
      if (capturing)
        capturing.push({
          source: this.source,
          params: args.length === 1 && Array.isArray(args[0]) ? args[0] : args,
        });
      return original.apply(this, args);
    };
  }
}

export async function captureStatements(run: () => Promise<void>): Promise<Captured[]> {
  install();
  const seen: Captured[] = [];
  capturing = seen;
  try {
    await run();
  } finally {
    capturing = null;
  }
  return seen;
}

/** EXPLAIN QUERY PLAN of each captured read (writes and transaction control are left out). */
export function explainAll(file: string, statements: readonly Captured[]): RequestPlan {
  const sqlite = new SqliteDatabase(file, { readonly: true, fileMustExist: true });
  try {
    const plans: StatementPlan[] = [];
    const scans: string[] = [];
    const done = new Set<string>();
    for (const { source, params } of statements) {
      if (!/^\s*(select|with)\b/i.test(source) || done.has(source)) continue;
      done.add(source);
      const rows = sqlite.prepare(`explain query plan ${source}`).all(...(params as never[])) as {
        id: number;
        parent: number;
        detail: string;
      }[];
      const depth = new Map<number, number>([[0, 0]]);
      const plan = rows.map((row) => {
        const level = (depth.get(row.parent) ?? 0) + 1;
        depth.set(row.id, level);
        return `${'  '.repeat(level - 1)}${row.detail}`;
      });
      for (const row of rows) {
        const table = /^SCAN (\w+)/.exec(row.detail)?.[1];
        if (table && LARGE_TABLES.has(table)) scans.push(row.detail);
      }
      plans.push({ sql: source.replace(/\s+/g, ' ').trim(), plan });
    }
    return { statements: plans, scans };
  } finally {
    sqlite.close();
  }
}
