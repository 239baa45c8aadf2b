// A send's insights, computed only from its counters and link table (never by scanning recipients or
// events), so a send to 1,000,000 people answers as fast as one to ten. Rates follow PRODUCT.md:
// open rate = unique human opens ÷ delivered, click-through rate = unique human clicks ÷ delivered,
// click-to-open rate = unique human clicks ÷ unique human opens; null when the divisor is 0.

import { AppError } from '../../lib/errors.ts';
import type { Db } from '../../storage/schema.ts';
import { COUNTER, HOURLY_PREFIX, hourStart, parseHourlyCounter } from '../counters/counter-names.ts';
import { readCounterFamily, readCounters } from '../counters/store.ts';
import { findSendForInsights, linksOfSend } from '../engagement/store.ts';
import { type ForwardInsights, forwardInsightsOf } from '../forwards/forward-counters.ts';

export interface Tallies {
  total: number;
  unique: number;
}

export interface LinkInsight {
  position: number;
  url: string;
  human: Tallies;
  scanner: Tallies;
}

/** Total opens and clicks in one hour (UTC), human and machine apart. */
export interface HourOfActivity {
  hour: string;
  opens: { human: number; machine: number };
  clicks: { human: number; machine: number };
}

export interface SendInsights {
  sendId: string;
  message: { id: string; name: string | null };
  subject: string;
  status: string;
  recipients: number;
  duplicates: number;
  blocked: { total: number; byReason: Record<string, number> };
  sent: number;
  delivered: number;
  bounces: { hard: number; soft: number; late: number };
  complaints: number;
  autoReplies: number;
  /** Handed to SMTP when a crash interrupted; counted as sent, never sent twice. */
  unconfirmed: number;
  opens: { human: Tallies; machine: Tallies };
  clicks: { human: Tallies; scanner: Tallies };
  rates: { openRate: number | null; clickThroughRate: number | null; clickToOpenRate: number | null };
  unsubscribes: number;
  /** Tracked links by position, human figures first. */
  links: LinkInsight[];
  /** The hidden link no person sees: every hit on it is a scanner's. */
  honeypot: { position: number; scanner: Tallies } | null;
  /** Hours with activity, oldest first (the chart fills the hours between with zeros). */
  timeline: HourOfActivity[];
  /** Forward to a friend: addresses forwarded to, what became of the copies, and their opens and clicks. */
  forwards: ForwardInsights;
  /** When these figures were read: they are live counters, kept up as events arrive. */
  asOf: string;
}

/** The hourly counters as a timeline, oldest hour first. */
export function timelineOf(counters: ReadonlyMap<string, number>): HourOfActivity[] {
  const hours = new Map<number, HourOfActivity>();
  for (const [name, value] of counters) {
    const parsed = parseHourlyCounter(name);
    if (!parsed || value === 0) continue;
    let hour = hours.get(parsed.hour);
    if (!hour) {
      hour = {
        hour: new Date(hourStart(parsed.hour)).toISOString(),
        opens: { human: 0, machine: 0 },
        clicks: { human: 0, machine: 0 },
      };
      hours.set(parsed.hour, hour);
    }
    hour[parsed.kind === 'open' ? 'opens' : 'clicks'][parsed.who] += value;
  }
  return [...hours.entries()].sort(([a], [b]) => a - b).map(([, hour]) => hour);
}

const ratio = (part: number, whole: number) => (whole > 0 ? part / whole : null);

export function buildInsights(
  send: {
    id: string;
    message_id: string;
    message_name: string | null;
    subject: string;
    status: string;
    recipients_total: number;
    duplicates: number;
  },
  counters: ReadonlyMap<string, number>,
  links: readonly { position: number; url: string; honeypot: number }[],
  hourly: ReadonlyMap<string, number> = new Map(),
  now: number = Date.now(),
): SendInsights {
  const n = (name: string) => counters.get(name) ?? 0;
  const tallies = (total: string, unique: string): Tallies => ({ total: n(total), unique: n(unique) });

  const byReason: Record<string, number> = {};
  for (const [name, value] of counters) {
    if (name.startsWith('blocked:') && value !== 0) byReason[name.slice('blocked:'.length)] = value;
  }
  const blocked = Object.values(byReason).reduce((sum, value) => sum + value, 0);
  // The send job counts recipients as it prepares; a send prepared before that keeps them on its row.
  const recipients = counters.has(COUNTER.recipients) ? n(COUNTER.recipients) : Number(send.recipients_total);
  const duplicates = counters.has(COUNTER.duplicates) ? n(COUNTER.duplicates) : Number(send.duplicates);
  const sent = n(COUNTER.sent);
  const hard = n(COUNTER.hardBounces);
  const soft = n(COUNTER.softBounces);
  const delivered = Math.max(0, sent - hard - soft);

  const opens = {
    human: tallies(COUNTER.opens('human'), COUNTER.uniqueOpens('human')),
    machine: tallies(COUNTER.opens('machine'), COUNTER.uniqueOpens('machine')),
  };
  const clicks = {
    human: tallies(COUNTER.clicks('human'), COUNTER.uniqueClicks('human')),
    scanner: tallies(COUNTER.clicks('machine'), COUNTER.uniqueClicks('machine')),
  };
  const linkTallies = (position: number) => ({
    human: tallies(COUNTER.linkClicks(position, 'human'), COUNTER.linkUniqueClicks(position, 'human')),
    scanner: tallies(COUNTER.linkClicks(position, 'machine'), COUNTER.linkUniqueClicks(position, 'machine')),
  });
  const honeypotLink = links.find((link) => Number(link.honeypot) === 1);

  return {
    sendId: send.id,
    message: { id: send.message_id, name: send.message_name },
    subject: send.subject,
    status: send.status,
    recipients,
    duplicates,
    blocked: { total: blocked, byReason },
    sent,
    delivered,
    bounces: { hard, soft, late: n(COUNTER.lateBounces) },
    complaints: n(COUNTER.complaints),
    autoReplies: n(COUNTER.autoReplies),
    unconfirmed: n(COUNTER.unconfirmed),
    opens,
    clicks,
    rates: {
      openRate: ratio(opens.human.unique, delivered),
      clickThroughRate: ratio(clicks.human.unique, delivered),
      clickToOpenRate: ratio(clicks.human.unique, opens.human.unique),
    },
    unsubscribes: n(COUNTER.unsubscribes),
    links: links
      .filter((link) => Number(link.honeypot) !== 1)
      .map((link) => ({
        position: Number(link.position),
        url: link.url,
        ...linkTallies(Number(link.position)),
      })),
    honeypot: honeypotLink
      ? {
          position: Number(honeypotLink.position),
          scanner: linkTallies(Number(honeypotLink.position)).scanner,
        }
      : null,
    timeline: timelineOf(hourly),
    forwards: forwardInsightsOf(counters),
    asOf: new Date(now).toISOString(),
  };
}

export async function getSendInsights(db: Db, sendId: string): Promise<SendInsights> {
  const send = await findSendForInsights(db, sendId);
  if (!send) throw new AppError('not_found', `No send with id "${sendId}".`);
  const [counters, links, hourly] = await Promise.all([
    readCounters(db, sendId),
    linksOfSend(db, sendId),
    readCounterFamily(db, sendId, HOURLY_PREFIX),
  ]);
  return buildInsights(send, counters, links, hourly);
}
