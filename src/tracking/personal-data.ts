// What tracking holds about a contact for the personal-data registry: their visits and page views
// (those naming them, and unattributed visits of browsers linked to them).
import { lockLinkedVisitors } from '../identity/store.ts';
import { iso } from '../platform/personal-data/export-values.ts';
import type { PersonalDataHolder } from '../platform/personal-data/registry.ts';
import {
  deleteContactPageviews,
  deleteContactVisits,
  moveVisits,
  pageviewsOfVisits,
  visitsOfContact,
} from './store.ts';

export const trackingPersonalData: PersonalDataHolder = {
  name: 'tracking',
  async export({ tx, contactId }) {
    const visits = await visitsOfContact(tx, contactId);
    const pageviews = await pageviewsOfVisits(
      tx,
      visits.map((v) => v.id),
    );
    const pageviewsByVisit = new Map<string, typeof pageviews>();
    for (const p of pageviews) {
      const list = pageviewsByVisit.get(p.visit_id ?? '') ?? [];
      list.push(p);
      pageviewsByVisit.set(p.visit_id ?? '', list);
    }
    return {
      visits: visits.map((v) => ({
        id: v.id,
        website: { id: v.website_id, name: v.website_name },
        visitorId: v.visitor_id,
        startedAt: iso(v.started_at),
        lastSeenAt: iso(v.last_seen_at),
        entryPath: v.entry_path,
        referrer: v.referrer,
        referrerHost: v.referrer_host,
        utm: {
          source: v.utm_source,
          medium: v.utm_medium,
          campaign: v.utm_campaign,
          term: v.utm_term,
          content: v.utm_content,
        },
        pageviewCount: v.pageviews,
        engagedMs: Number(v.engaged_ms),
        bot: v.bot_reason,
        identified: v.identified === 1,
        pageviews: (pageviewsByVisit.get(v.id) ?? []).map((p) => ({
          eventId: p.event_id,
          at: iso(p.occurred_at),
          url: p.url,
          path: p.path,
          title: p.title,
          referrer: p.referrer,
          engagedMs: Number(p.engaged_ms),
        })),
      })),
    };
  },
  async erase({ tx, engine, contactId }) {
    // Page views before browsers, the order the tracking writer locks in; then once more after the
    // browsers are locked, for page views committed by writes that held those browsers meanwhile.
    // Identity's erasure, which runs next, deletes the browsers themselves.
    let pageviews = await deleteContactPageviews(tx, contactId);
    await lockLinkedVisitors(tx, engine, contactId);
    pageviews += await deleteContactPageviews(tx, contactId);
    const visits = await deleteContactVisits(tx, contactId);
    return { visits, pageviews };
  },
  async merge({ tx, winnerId, loserId }) {
    await moveVisits(tx, loserId, winnerId);
  },
};
