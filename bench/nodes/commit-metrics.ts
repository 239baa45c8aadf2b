// Spoor's own account of its group commits, read from each node's /metrics (SPOOR_METRICS_TOKEN): how
// many transactions a hot path committed, how many events each carried and how long each took. A load
// split between nodes splits each node's batches too; these say what that cost.

/** Totals of a stream's group commits since a node started (or between two readings). */
export interface CommitTotals {
  commits: number;
  events: number;
  seconds: number;
}

export const NO_COMMITS: CommitTotals = { commits: 0, events: 0, seconds: 0 };

/** A sample's value in Prometheus' text format, for `name` with the label stream="…"; 0 when absent. */
function sampleOf(text: string, name: string, stream: string): number {
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`${name}{`) && l.includes(`stream="${stream}"`) && !l.includes('le="'));
  const value = Number(line?.slice(line.lastIndexOf(' ') + 1));
  return Number.isFinite(value) ? value : 0;
}

/** The group-commit totals of `stream` (tracking, engagement) in a /metrics page. */
export function parseCommitTotals(text: string, stream: string): CommitTotals {
  return {
    commits: sampleOf(text, 'spoor_commit_batch_size_count', stream),
    events: sampleOf(text, 'spoor_commit_batch_size_sum', stream),
    seconds: sampleOf(text, 'spoor_commit_duration_seconds_sum', stream),
  };
}

export function addCommits(a: CommitTotals, b: CommitTotals): CommitTotals {
  return { commits: a.commits + b.commits, events: a.events + b.events, seconds: a.seconds + b.seconds };
}

export function subtractCommits(after: CommitTotals, before: CommitTotals): CommitTotals {
  return {
    commits: after.commits - before.commits,
    events: after.events - before.events,
    seconds: after.seconds - before.seconds,
  };
}

/** One node's totals for `stream`, from its /metrics behind `token`. */
export async function readCommitTotals(url: string, token: string, stream: string): Promise<CommitTotals> {
  const response = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
  const text = await response.text();
  if (!response.ok) throw new Error(`GET ${url}/metrics answered ${response.status}: ${text.slice(0, 200)}`);
  return parseCommitTotals(text, stream);
}
