// History source: the visits that name the contact, each with its page views. They include the visits
// a browser made anonymously before it was identified: those join the contact when it is first linked.
import type { HistorySource, VisitItem } from './history-item.ts';
import { pageviewsOfVisits, visitsOfContact } from './store.ts';

const iso = (ms: number | string) => new Date(Number(ms)).toISOString();

export const visitItems: HistorySource = {
  type: 'visit',

  async list(db, contactId, bound, limit) {
    const rows = await visitsOfContact(db, contactId, bound, limit);
    return rows.map(
      (row): VisitItem => ({
        type: 'visit',
        at: iso(row.started_at),
        id: row.id,
        website: { id: row.website_id, name: row.website_name },
        startedAt: iso(row.started_at),
        lastSeenAt: iso(row.last_seen_at),
        entryPath: row.entry_path,
        referrer: row.referrer,
        utm: {
          source: row.utm_source,
          medium: row.utm_medium,
          campaign: row.utm_campaign,
          term: row.utm_term,
          content: row.utm_content,
        },
        pageviewCount: row.pageviews,
        engagedMs: Number(row.engaged_ms),
        bot: row.bot_reason,
        pageviews: [],
      }),
    );
  },

  async complete(db, items) {
    const visits = items.filter((item): item is VisitItem => item.type === 'visit');
    const byVisit = new Map<string, VisitItem['pageviews']>(visits.map((v) => [v.id, v.pageviews]));
    for (const row of await pageviewsOfVisits(db, [...byVisit.keys()])) {
      byVisit.get(row.visit_id ?? '')?.push({
        url: row.url,
        path: row.path,
        title: row.title,
        at: iso(row.occurred_at),
        engagedMs: Number(row.engaged_ms),
      });
    }
  },
};
