// The overview: every figure for the chosen period with its change against the period before it, visits
// and page views per day, and the visitors of the last 5 minutes.
import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { api, data } from '../../api/client';
import { useCanRead } from '../../api/session';
import { ErrorState } from '../../ui/ErrorState';
import { Loading } from '../../ui/NotFound';
import { Page, Section } from '../../ui/Page';
import { PeriodPicker, usePeriod } from '../../ui/PeriodPicker';
import { Stat } from '../../ui/Stat';
import { TimeChart } from '../../ui/TimeChart';
import { Realtime } from './Realtime';

export function OverviewPage() {
  const period = usePeriod();
  const canReadTracking = useCanRead('tracking');
  const overview = useQuery({
    queryKey: ['overview', period.from, period.to],
    queryFn: () =>
      data(api.GET('/api/overview', { params: { query: { from: period.from, to: period.to } } })),
    enabled: canReadTracking,
  });
  const o = overview.data;
  const series = useMemo(
    () =>
      o
        ? [
            { label: 'Visits', values: o.current.series.map((d) => d.visits) },
            { label: 'Page views', values: o.current.series.map((d) => d.pageviews) },
            // The previous period drawn under this one, day by day.
            { label: 'Visits, previous period', values: o.previous.series.map((d) => d.visits) },
          ]
        : [],
    [o],
  );
  const times = useMemo(() => o?.current.series.map((d) => d.day) ?? [], [o]);

  if (!canReadTracking)
    return (
      <Page title="Overview">
        <p>Your role does not show website and email figures.</p>
      </Page>
    );
  return (
    <Page
      title="Overview"
      description={`${period.from} to ${period.to} (UTC days), compared with ${period.previous.from} to ${period.previous.to}`}
      actions={<PeriodPicker />}
      dataAsOf={o?.dataAsOf}
    >
      {overview.isPending ? (
        <Loading />
      ) : overview.isError ? (
        <ErrorState error={overview.error} retry={() => overview.refetch()} />
      ) : o ? (
        <>
          <Section title="Websites">
            <div className="grid stats">
              <Realtime />
              <Stat label="Visits" kind="total" value={o.current.visits} previous={o.previous.visits} />
              <Stat
                label="Page views"
                kind="total"
                value={o.current.pageviews}
                previous={o.previous.pageviews}
              />
              <Stat
                label="Visitors"
                kind={o.current.uniqueVisitorsMethod === 'estimate' ? 'unique, estimated' : 'unique'}
                value={o.current.uniqueVisitors}
                previous={o.previous.uniqueVisitors}
              />
              <Stat
                label="Identified visitors"
                kind="unique"
                value={o.current.identifiedVisitors}
                previous={o.previous.identifiedVisitors}
              />
              <Stat
                label="Anonymous visitors"
                kind="unique"
                value={o.current.anonymousVisitors}
                previous={o.previous.anonymousVisitors}
              />
            </div>
            <TimeChart title="Visits and page views per day" times={times} series={series} />
          </Section>
          <Section title="Contacts and forms">
            <div className="grid stats">
              <Stat
                label="New contacts"
                kind="total"
                value={o.current.newContacts}
                previous={o.previous.newContacts}
              />
              <Stat
                label="Form submissions"
                kind="total"
                value={o.current.formSubmissions}
                previous={o.previous.formSubmissions}
              />
            </div>
          </Section>
          <Section title="Email">
            <p className="as-of">
              {o.current.sends === 0
                ? 'No send started in this period.'
                : `Figures of the ${o.current.sends === 1 ? 'send' : `${o.current.sends} sends`} started in the period, counted to date.`}{' '}
              The previous period: {o.previous.sends === 1 ? '1 send' : `${o.previous.sends} sends`}.
            </p>
            <div className="grid stats">
              <Stat
                label="Emails delivered"
                kind="total"
                value={o.current.emailsDelivered}
                previous={o.previous.emailsDelivered}
              />
              <Stat
                label="Human opens"
                kind="unique"
                value={o.current.uniqueHumanOpens}
                previous={o.previous.uniqueHumanOpens}
              />
              <Stat
                label="Human clicks"
                kind="unique"
                value={o.current.uniqueHumanClicks}
                previous={o.previous.uniqueHumanClicks}
              />
              <Stat
                label="Unsubscribes"
                kind="total"
                value={o.current.unsubscribes}
                previous={o.previous.unsubscribes}
                lowerIsBetter
              />
            </div>
          </Section>
        </>
      ) : null}
    </Page>
  );
}
