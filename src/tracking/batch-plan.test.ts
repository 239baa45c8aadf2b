import { describe, expect, it } from 'vitest';
import { attributePageview } from './attribution.ts';
import { type BatchState, planBatch } from './batch-plan.ts';
import type { EngagementEvent, PageviewEvent } from './events.ts';

const T0 = Date.UTC(2026, 10, 20, 23, 50, 0);
const MIN = 60_000;

function emptyState(): BatchState {
  return { visitors: new Map(), aliases: new Map(), latestVisits: new Map(), pageviews: new Map() };
}

function pv(eventId: string, at: number, extra: Partial<PageviewEvent> = {}): PageviewEvent {
  const url = extra.url ?? 'https://shop.test/';
  return {
    kind: 'pageview',
    websiteId: 'w1',
    eventId,
    receivedAt: at,
    anonymous: false,
    cookieVisitorId: 'visitorA000000000000000',
    mirrorVisitorId: null,
    bot: null,
    visitTimeoutMinutes: 30,
    url,
    title: null,
    referrer: null,
    attribution: attributePageview(url, extra.referrer ?? null),
    ...extra,
  };
}

function en(pageviewEventId: string, at: number, engagedMs: number): EngagementEvent {
  return {
    kind: 'engagement',
    websiteId: 'w1',
    eventId: `en-${pageviewEventId}-${engagedMs}`,
    receivedAt: at,
    anonymous: false,
    cookieVisitorId: 'visitorA000000000000000',
    mirrorVisitorId: null,
    bot: null,
    visitTimeoutMinutes: 30,
    pageviewEventId,
    engagedMs,
  };
}

describe('planBatch', () => {
  it('groups two page views of one browser into one visit that is not a bounce', () => {
    const { plan, outcomes } = planBatch(
      [pv('e1', T0), pv('e2', T0 + MIN, { url: 'https://shop.test/b' })],
      emptyState(),
    );
    expect(outcomes[0]).toEqual(outcomes[1]);
    expect(plan.newVisitors).toHaveLength(1);
    expect(plan.newVisits).toHaveLength(1);
    expect(plan.newVisits[0]).toMatchObject({ pageviews: 2, entry_path: '/', last_seen_at: T0 + MIN });
    expect([...plan.dailyStats.values()]).toEqual([
      {
        website_id: 'w1',
        day: '2026-11-20',
        bot: 0,
        pageviews: 2,
        anonymous_pageviews: 0,
        visits: 1,
        bounces: 0,
        engaged_ms: 0,
      },
    ]);
  });

  it('buckets by UTC day: a visit that crosses midnight counts its page views on each day and its visit on the first', () => {
    const { plan } = planBatch([pv('e1', T0), pv('e2', T0 + 20 * MIN)], emptyState());
    const days = [...plan.dailyStats.values()].map((s) => [s.day, s.pageviews, s.visits, s.bounces]);
    expect(days).toEqual([
      ['2026-11-20', 1, 1, 0],
      ['2026-11-21', 1, 0, 0],
    ]);
  });

  it('a retry within the batch, or of a stored page view, changes nothing', () => {
    const state = emptyState();
    state.pageviews.set('w1|old', {
      websiteId: 'w1',
      eventId: 'old',
      visitId: 'visit0',
      visitorId: 'visitorA000000000000000',
      occurredAt: T0 - MIN,
      path: '/',
      engagedMs: 0,
      bot: 0,
    });
    const { plan, outcomes } = planBatch([pv('e1', T0), pv('e1', T0), pv('old', T0)], state);
    expect(plan.newPageviews.map((p) => p.event_id)).toEqual(['e1']);
    expect(outcomes[1]).toEqual(outcomes[0]);
    expect(outcomes[2]).toEqual({ visitorId: 'visitorA000000000000000', visitId: 'visit0' });
  });

  it('continuing a stored one-page visit takes back its bounce on the day the visit started', () => {
    const state = emptyState();
    state.visitors.set('visitorA000000000000000', { contactId: null, lastSeenAt: T0 - 5 * MIN });
    state.latestVisits.set('visitorA000000000000000|w1', {
      id: 'visit0',
      websiteId: 'w1',
      visitorId: 'visitorA000000000000000',
      startedAt: T0 - 5 * MIN,
      lastSeenAt: T0 - 5 * MIN,
      pageviews: 1,
      bot: 0,
      source: {
        entryPath: '/',
        referrerHost: 'news.example',
        utmSource: null,
        utmMedium: null,
        utmCampaign: null,
      },
    });
    const { plan, outcomes } = planBatch([pv('e1', T0), pv('e2', T0 + MIN)], state);
    expect(outcomes.map((o) => o.visitId)).toEqual(['visit0', 'visit0']);
    expect(plan.newVisits).toEqual([]);
    expect(plan.visitIncrements.get('visit0')).toEqual({ pageviews: 2, engagedMs: 0, lastSeenAt: T0 + MIN });
    expect(plan.dailyStats.get('w1|2026-11-20|0')).toMatchObject({ pageviews: 2, visits: 0, bounces: -1 });
    // The stored visit's entry page and referrer get its page views and lose its bounce too.
    const figures = { visits: 0, bounces: -1, pageviews: 2, engaged_ms: 0 };
    expect(plan.dailyEntryPages.get('w1|2026-11-20|0|/')).toMatchObject({ entry_path: '/', ...figures });
    expect(plan.dailyReferrers.get('w1|2026-11-20|0|news.example')).toMatchObject(figures);
    expect(plan.dailyCampaigns.size).toBe(0);
  });

  it("moves a visitor's last_seen_at on when a visit starts, and otherwise once it is five minutes behind", () => {
    const seen = (lastSeenAt: number, events: PageviewEvent[]) => {
      const state = emptyState();
      state.visitors.set('visitorA000000000000000', { contactId: null, lastSeenAt });
      state.latestVisits.set('visitorA000000000000000|w1', {
        id: 'visit0',
        websiteId: 'w1',
        visitorId: 'visitorA000000000000000',
        startedAt: lastSeenAt,
        lastSeenAt,
        pageviews: 3,
        bot: 0,
        source: {
          entryPath: '/',
          referrerHost: 'news.example',
          utmSource: null,
          utmMedium: null,
          utmCampaign: null,
        },
      });
      const { plan } = planBatch(events, state);
      return { touched: [...plan.touchedVisitors], after: state.visitors.get('visitorA000000000000000') };
    };
    expect(seen(T0 - 4 * MIN, [pv('e1', T0), pv('e2', T0 + 30_000)]).touched).toEqual([]);
    // Touched to the batch's last instant, which writePlan stamps.
    expect(seen(T0 - 5 * MIN, [pv('e1', T0), pv('e2', T0 + 30_000)])).toEqual({
      touched: ['visitorA000000000000000'],
      after: { contactId: null, lastSeenAt: T0 + 30_000 },
    });
    expect(seen(T0 - 31 * MIN, [pv('e1', T0)]).touched).toEqual(['visitorA000000000000000']);
    expect(planBatch([pv('e1', T0)], emptyState()).plan.touchedVisitors).toEqual(
      new Set(['visitorA000000000000000']),
    );
  });

  it('anonymous page views carry no identifiers and count apart', () => {
    const { plan, outcomes } = planBatch([pv('e1', T0, { anonymous: true })], emptyState());
    expect(outcomes).toEqual([{ visitorId: null, visitId: null }]);
    expect(plan.newVisitors).toEqual([]);
    expect(plan.newVisits).toEqual([]);
    expect(plan.newPageviews[0]).toMatchObject({ anonymous: 1, visit_id: null });
    expect(plan.dailyStats.get('w1|2026-11-20|0')).toMatchObject({
      pageviews: 1,
      anonymous_pageviews: 1,
      visits: 0,
    });
    expect(plan.sketch.size).toBe(0);
  });

  it('engaged time folds into a page view of the same batch and into its visit', () => {
    const { plan } = planBatch(
      [pv('e1', T0), en('e1', T0 + 10_000, 8_000), en('e1', T0 + 12_000, 6_000)],
      emptyState(),
    );
    expect(plan.newPageviews[0]?.engaged_ms).toBe(8_000);
    expect(plan.newVisits[0]?.engaged_ms).toBe(8_000);
    expect(plan.dailyPages.get('w1|2026-11-20|0|/')).toMatchObject({ pageviews: 1, engaged_ms: 8_000 });
    expect(plan.dailyEntryPages.get('w1|2026-11-20|0|/')).toMatchObject({
      visits: 1,
      bounces: 1,
      pageviews: 1,
      engaged_ms: 8_000,
    });
  });

  it('labels a bot visit and keeps it apart in the rollups', () => {
    const { plan } = planBatch([pv('e1', T0, { bot: 'user-agent' })], emptyState());
    expect(plan.newVisits[0]).toMatchObject({ bot: 1, bot_reason: 'user-agent' });
    expect([...plan.dailyStats.keys()]).toEqual(['w1|2026-11-20|1']);
  });

  it('records referrer and campaign once per visit, not per page view', () => {
    const first = pv('e1', T0, {
      url: 'https://shop.test/?utm_source=n&utm_campaign=c',
      referrer: 'https://news.example/',
    });
    const { plan } = planBatch([first, pv('e2', T0 + MIN)], emptyState());
    // The visit's figures: one visit, no longer a bounce after its second page view.
    const figures = { visits: 1, bounces: 0, pageviews: 2, engaged_ms: 0 };
    expect([...plan.dailyReferrers.values()]).toEqual([
      { website_id: 'w1', day: '2026-11-20', bot: 0, referrer_host: 'news.example', ...figures },
    ]);
    expect([...plan.dailyCampaigns.values()]).toEqual([
      {
        website_id: 'w1',
        day: '2026-11-20',
        bot: 0,
        utm_source: 'n',
        utm_medium: '',
        utm_campaign: 'c',
        ...figures,
      },
    ]);
    expect([...plan.dailyEntryPages.values()]).toEqual([
      { website_id: 'w1', day: '2026-11-20', bot: 0, entry_path: '/', ...figures },
    ]);
  });
});
