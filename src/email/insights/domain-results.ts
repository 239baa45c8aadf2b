// A send's results by recipient domain, from its per-domain counters: recipients, blocked, sent and
// bounces counted as the send went out (deliver-send.ts), unique human opens and clicks as they arrive
// (engagement-plan.ts). The largest domains by recipients are shown; the rest are summed as one row.
import { AppError } from '../../lib/errors.ts';
import type { Db } from '../../storage/schema.ts';
import { COUNTER, DOMAIN_PREFIX, parseDomainCounter } from '../counters/counter-names.ts';
import { readCounterFamily, readCounters } from '../counters/store.ts';
import { sendExists } from './store.ts';

export interface DomainResult {
  domain: string;
  /** Contacts at the domain (each once, however many of the lists they are on). */
  recipients: number;
  blocked: number;
  sent: number;
  delivered: number;
  hardBounces: number;
  softBounces: number;
  /** null: not counted per domain for this send (sent before Spoor counted them). */
  uniqueHumanOpens: number | null;
  uniqueHumanClicks: number | null;
  openRate: number | null;
  clickThroughRate: number | null;
}

export interface DomainResults {
  domains: DomainResult[];
  /** Every other domain summed (its `domain` is "other domains"); null when none is left out. */
  others: (DomainResult & { count: number }) | null;
  asOf: string;
}

const ratio = (part: number | null, whole: number) => (part === null || whole <= 0 ? null : part / whole);

function resultOf(domain: string, figures: ReadonlyMap<string, number>, engagement: boolean): DomainResult {
  const n = (figure: string) => figures.get(figure) ?? 0;
  const sent = n('sent');
  const delivered = Math.max(0, sent - n('hard_bounce') - n('soft_bounce'));
  const opens = engagement ? n('unique_open:human') : null;
  const clicks = engagement ? n('unique_click:human') : null;
  return {
    domain,
    recipients: n('recipients'),
    blocked: n('blocked'),
    sent,
    delivered,
    hardBounces: n('hard_bounce'),
    softBounces: n('soft_bounce'),
    uniqueHumanOpens: opens,
    uniqueHumanClicks: clicks,
    openRate: ratio(opens, delivered),
    clickThroughRate: ratio(clicks, delivered),
  };
}

/** Groups per-domain counters by domain. Pure. */
export function domainResultsOf(
  counters: ReadonlyMap<string, number>,
  sendEngagement: { uniqueHumanOpens: number; uniqueHumanClicks: number },
  limit: number,
  now = Date.now(),
): DomainResults {
  const byDomain = new Map<string, Map<string, number>>();
  let engagementCounted = false;
  for (const [name, value] of counters) {
    const parsed = parseDomainCounter(name);
    if (!parsed) continue;
    if (parsed.figure.startsWith('unique_')) engagementCounted = true;
    let figures = byDomain.get(parsed.domain);
    if (!figures) {
      figures = new Map();
      byDomain.set(parsed.domain, figures);
    }
    figures.set(parsed.figure, value);
  }
  // Per-domain opens and clicks are counted where the engagement store knows each recipient's address;
  // a send with people's opens but none per domain was not counted that way: null, never a false 0.
  const engagement =
    engagementCounted || (sendEngagement.uniqueHumanOpens === 0 && sendEngagement.uniqueHumanClicks === 0);
  const all = [...byDomain]
    .map(([domain, figures]) => resultOf(domain, figures, engagement))
    .sort((a, b) => b.recipients - a.recipients || (a.domain < b.domain ? -1 : 1));
  const shown = all.slice(0, limit);
  const rest = all.slice(limit);
  let others: DomainResults['others'] = null;
  if (rest.length > 0) {
    const sum = new Map<string, number>();
    for (const [domain, figures] of byDomain) {
      if (shown.some((row) => row.domain === domain)) continue;
      for (const [figure, value] of figures) sum.set(figure, (sum.get(figure) ?? 0) + value);
    }
    others = { ...resultOf('other domains', sum, engagement), count: rest.length };
  }
  return { domains: shown, others, asOf: new Date(now).toISOString() };
}

export async function getDomainResults(db: Db, sendId: string, limit: number): Promise<DomainResults> {
  if (!(await sendExists(db, sendId))) throw new AppError('not_found', `No send with id "${sendId}".`);
  const [perDomain, counters] = await Promise.all([
    readCounterFamily(db, sendId, DOMAIN_PREFIX),
    readCounters(db, sendId),
  ]);
  return domainResultsOf(
    perDomain,
    {
      uniqueHumanOpens: counters.get(COUNTER.uniqueOpens('human')) ?? 0,
      uniqueHumanClicks: counters.get(COUNTER.uniqueClicks('human')) ?? 0,
    },
    limit,
  );
}
