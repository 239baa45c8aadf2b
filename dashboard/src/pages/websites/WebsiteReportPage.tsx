// A website's report: figures with their change against the previous period, a chart per day, and the
// tables (top pages, entry pages, referrers, campaigns) whose rows filter the whole page (kept in the URL).
import './websites.css';
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Link, useParams, useSearchParams } from 'wouter';
import { api, data } from '../../api/client';
import { type Column, DataTable } from '../../ui/DataTable';
import { EmptyState } from '../../ui/EmptyState';
import { ErrorState } from '../../ui/ErrorState';
import { formatDuration, formatNumber, formatPercent } from '../../ui/format';
import { Loading } from '../../ui/NotFound';
import { Page, Section } from '../../ui/Page';
import { PeriodPicker, usePeriod } from '../../ui/PeriodPicker';
import { Stat } from '../../ui/Stat';
import { TimeChart } from '../../ui/TimeChart';
import { Realtime } from '../overview/Realtime';
import {
  campaignName,
  describeFilter,
  filterFromQuery,
  filterParams,
  queryWithFilter,
  type ReportFilter,
} from './report-filter';
import type { Report, Website } from './website';

type TableSection = 'topPages' | 'entryPages' | 'referrers' | 'campaigns';
const TABLE_TITLES: Record<TableSection, string> = {
  topPages: 'Top pages',
  entryPages: 'Entry pages',
  referrers: 'Referrers',
  campaigns: 'Campaigns',
};

type Metric = 'traffic' | 'visitors' | 'bounceRate' | 'engaged';

const METRICS: { value: Metric; label: string }[] = [
  { value: 'traffic', label: 'Visits and page views' },
  { value: 'visitors', label: 'Unique visitors' },
  { value: 'bounceRate', label: 'Bounce rate' },
  { value: 'engaged', label: 'Engaged time per page view' },
];

function useReport(websiteId: string, from: string, to: string, bots: boolean, filter: ReportFilter | null) {
  return useQuery({
    queryKey: ['report', websiteId, from, to, bots, filter],
    queryFn: () =>
      data(
        api.GET('/api/websites/{id}/report', {
          params: {
            path: { id: websiteId },
            query: {
              from,
              to,
              limit: 100,
              ...(bots ? { bots: 'include' as const } : {}),
              ...filterParams(filter),
            },
          },
        }),
      ),
  });
}

export function WebsiteReportPage() {
  const { id } = useParams<{ id: string }>();
  const [query, setQuery] = useSearchParams();
  const period = usePeriod();
  const filter = filterFromQuery(query);
  const bots = query.get('bots') === 'include';
  const [metric, setMetric] = useState<Metric>('traffic');
  const website = useQuery({
    queryKey: ['website', id],
    queryFn: () => data(api.GET('/api/websites/{id}', { params: { path: { id } } })),
  });
  const current = useReport(id, period.from, period.to, bots, filter);
  const previous = useReport(id, period.previous.from, period.previous.to, bots, filter);
  const r = current.data as Report | undefined;
  const p = previous.data as Report | undefined;
  const name = (website.data as Website | undefined)?.name ?? 'Website';

  /** The address of this report filtered by a row (the period and bots kept). */
  const hrefFor = (next: ReportFilter | null) => {
    const search = queryWithFilter(query, next).toString();
    return `/${id}${search ? `?${search}` : ''}`;
  };
  const setBots = (include: boolean) => {
    const next = new URLSearchParams(query);
    if (include) next.set('bots', 'include');
    else next.delete('bots');
    setQuery(next);
  };

  return (
    <Page
      title={name}
      description={`${period.from} to ${period.to} (UTC days), compared with ${period.previous.from} to ${period.previous.to}`}
      dataAsOf={r?.dataAsOf}
      actions={
        <>
          <PeriodPicker />
          <div className="checkbox">
            <input
              id="include-bots"
              type="checkbox"
              checked={bots}
              onChange={(event) => setBots(event.target.checked)}
            />
            <label htmlFor="include-bots">Include bots</label>
          </div>
          <Link href={`/${id}/settings`} className="button">
            Settings and snippets
          </Link>
        </>
      }
    >
      {filter ? (
        <div className="notice" role="status">
          <p>
            Filtered by <strong>{describeFilter(filter)}</strong>.{' '}
            <Link href={hrefFor(null)}>Show every visit</Link>
          </p>
        </div>
      ) : null}
      {current.isPending ? (
        <Loading />
      ) : current.isError ? (
        <ErrorState error={current.error} retry={() => current.refetch()} />
      ) : r ? (
        <>
          <Section title="Traffic">
            <Figures report={r} previous={p} websiteId={id} />
            <div className="field chart-metric">
              <label htmlFor="chart-metric">Chart</label>
              <select id="chart-metric" value={metric} onChange={(e) => setMetric(e.target.value as Metric)}>
                {METRICS.map((m) => (
                  <option key={m.value} value={m.value}>
                    {m.label}
                  </option>
                ))}
              </select>
            </div>
            <ReportChart report={r} previous={p} metric={metric} />
          </Section>
          <Tables report={r} hrefFor={hrefFor} filter={filter} />
        </>
      ) : null}
    </Page>
  );
}

function Figures({
  report: r,
  previous: p,
  websiteId,
}: {
  report: Report;
  previous?: Report;
  websiteId: string;
}) {
  return (
    <div className="grid stats">
      {r.filter ? null : <Realtime websiteId={websiteId} />}
      {r.visits === null ? null : <Stat label="Visits" kind="total" value={r.visits} previous={p?.visits} />}
      <Stat label="Page views" kind="total" value={r.pageviews} previous={p?.pageviews} />
      {r.uniqueVisitors === null ? null : (
        <Stat
          label="Visitors"
          kind={r.uniqueVisitorsMethod === 'estimate' ? 'unique, estimated' : 'unique'}
          value={r.uniqueVisitors}
          previous={p?.uniqueVisitors}
        />
      )}
      {r.bounceRate === null ? null : (
        <Stat
          label="Bounce rate"
          value={r.bounceRate}
          previous={p?.bounceRate}
          format={formatPercent}
          lowerIsBetter
        />
      )}
      <Stat
        label="Engaged time per page view"
        value={r.averageEngagedSeconds}
        previous={p?.averageEngagedSeconds}
        format={formatDuration}
      />
    </div>
  );
}

function ReportChart({
  report: r,
  previous: p,
  metric,
}: {
  report: Report;
  previous?: Report;
  metric: Metric;
}) {
  const { title, series, format } = useMemo(() => {
    const pick = (report: Report | undefined, value: (d: Report['series'][number]) => number | null) =>
      report?.series.map(value) ?? [];
    switch (metric) {
      case 'traffic':
        return {
          title: 'Visits and page views per day',
          format: formatNumber,
          series: [
            ...(r.visits === null ? [] : [{ label: 'Visits', values: pick(r, (d) => d.visits) }]),
            { label: 'Page views', values: pick(r, (d) => d.pageviews) },
            { label: 'Page views, previous period', values: pick(p, (d) => d.pageviews) },
          ],
        };
      case 'visitors':
        return {
          title: 'Unique visitors per day',
          format: formatNumber,
          series: [
            { label: 'Visitors', values: pick(r, (d) => d.uniqueVisitors) },
            { label: 'Visitors, previous period', values: pick(p, (d) => d.uniqueVisitors) },
          ],
        };
      case 'bounceRate':
        return {
          title: 'Bounce rate per day',
          format: formatPercent,
          series: [
            { label: 'Bounce rate', values: pick(r, (d) => d.bounceRate) },
            { label: 'Bounce rate, previous period', values: pick(p, (d) => d.bounceRate) },
          ],
        };
      case 'engaged':
        return {
          title: 'Engaged time per page view, per day',
          format: formatDuration,
          series: [
            { label: 'Engaged time', values: pick(r, (d) => d.averageEngagedSeconds) },
            { label: 'Engaged time, previous period', values: pick(p, (d) => d.averageEngagedSeconds) },
          ],
        };
    }
  }, [r, p, metric]);
  const times = useMemo(() => r.series.map((d) => d.day), [r]);
  return <TimeChart title={title} times={times} series={series} format={format} />;
}

function Tables({
  report: r,
  hrefFor,
  filter,
}: {
  report: Report;
  hrefFor: (filter: ReportFilter | null) => string;
  filter: ReportFilter | null;
}) {
  const notNarrowed = new Set<TableSection>(r.notNarrowed);
  const visitColumns = <
    Row extends { visits: number; bounceRate: number; pageviews: number; averageEngagedSeconds: number },
  >(): Column<Row>[] => [
    {
      id: 'visits',
      header: 'Visits',
      numeric: true,
      value: (row) => row.visits,
      cell: (row) => formatNumber(row.visits),
    },
    {
      id: 'bounce',
      header: 'Bounce rate',
      numeric: true,
      value: (row) => row.bounceRate,
      cell: (row) => formatPercent(row.bounceRate),
    },
    {
      id: 'pageviews',
      header: 'Page views',
      numeric: true,
      value: (row) => row.pageviews,
      cell: (row) => formatNumber(row.pageviews),
    },
    {
      id: 'engaged',
      header: 'Engaged / view',
      numeric: true,
      value: (row) => row.averageEngagedSeconds,
      cell: (row) => formatDuration(row.averageEngagedSeconds),
    },
  ];
  type PageRow = Report['topPages'][number];
  type EntryRow = Report['entryPages'][number];
  type ReferrerRow = Report['referrers'][number];
  type CampaignRow = Report['campaigns'][number];
  const pageColumns: Column<PageRow>[] = [
    { id: 'path', header: 'Page', value: (row) => row.path },
    {
      id: 'pageviews',
      header: 'Page views',
      numeric: true,
      value: (row) => row.pageviews,
      cell: (row) => formatNumber(row.pageviews),
    },
    {
      id: 'engaged',
      header: 'Engaged / view',
      numeric: true,
      value: (row) => row.averageEngagedSeconds,
      cell: (row) => formatDuration(row.averageEngagedSeconds),
    },
  ];
  return (
    <div className="report-tables">
      {filter && notNarrowed.size > 0 ? (
        <EmptyState
          title={`${[...notNarrowed].map((t) => TABLE_TITLES[t]).join(', ')}: not broken down by ${describeFilter(filter)}.`}
        >
          <p>
            Spoor keeps each of these tables per day and per its own row (a page, a referrer…), not per row of
            another table; unique visitors likewise are kept per website and day.
          </p>
        </EmptyState>
      ) : null}
      {notNarrowed.has('topPages') ? null : (
        <Section title="Top pages">
          <DataTable
            caption="Top pages"
            columns={pageColumns}
            rows={r.topPages}
            rowId={(row) => row.path}
            rowHref={(row) => hrefFor({ kind: 'page', path: row.path })}
            pageSize={10}
            empty={<EmptyState title="No page views in this period." />}
          />
        </Section>
      )}
      {notNarrowed.has('entryPages') ? null : (
        <Section title="Entry pages">
          <DataTable
            caption="Entry pages"
            columns={[
              { id: 'path', header: 'Entry page', value: (row: EntryRow) => row.path },
              ...visitColumns<EntryRow>(),
            ]}
            rows={r.entryPages}
            rowId={(row) => row.path}
            rowHref={(row) => hrefFor({ kind: 'entry', path: row.path })}
            pageSize={10}
            empty={<EmptyState title="No visits in this period." />}
          />
        </Section>
      )}
      {notNarrowed.has('referrers') ? null : (
        <Section title="Referrers">
          <DataTable
            caption="Referrers"
            columns={[
              { id: 'host', header: 'Referrer', value: (row: ReferrerRow) => row.host },
              ...visitColumns<ReferrerRow>(),
            ]}
            rows={r.referrers}
            rowId={(row) => row.host}
            rowHref={(row) => hrefFor({ kind: 'referrer', host: row.host })}
            pageSize={10}
            empty={<EmptyState title="No visit came from another site in this period." />}
          />
        </Section>
      )}
      {notNarrowed.has('campaigns') ? null : (
        <Section title="Campaigns">
          <DataTable
            caption="Campaigns (UTM)"
            columns={[
              {
                id: 'campaign',
                header: 'Campaign (source / medium)',
                value: (row: CampaignRow) => campaignName(row),
              },
              ...visitColumns<CampaignRow>(),
            ]}
            rows={r.campaigns}
            rowId={(row) => campaignName(row)}
            rowHref={(row) =>
              hrefFor({
                kind: 'campaign',
                source: row.source ?? '',
                medium: row.medium ?? '',
                campaign: row.campaign ?? '',
              })
            }
            pageSize={10}
            empty={<EmptyState title="No visit carried UTM parameters in this period." />}
          />
        </Section>
      )}
    </div>
  );
}
