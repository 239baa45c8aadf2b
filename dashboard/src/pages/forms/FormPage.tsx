// One form's figures for the last 30 days (views, submissions, conversion rate, contacts created and
// updated, from the form's daily counters) and its submissions, newest first.
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { Link } from 'wouter';
import { api, data } from '../../api/client';
import { useCanRead, useCanWrite } from '../../api/session';
import { inApp } from '../../ui/app-path';
import { type Column, DataTable } from '../../ui/DataTable';
import { EmptyState } from '../../ui/EmptyState';
import { ErrorState } from '../../ui/ErrorState';
import { formatNumber, formatPercent } from '../../ui/format';
import { Loading } from '../../ui/NotFound';
import { formatDateTime, Page, Section } from '../../ui/Page';
import { Stat } from '../../ui/Stat';

interface Submission {
  id: string;
  receivedAt: string;
  status: string;
  outcome: 'created' | 'updated' | null;
  contactId: string | null;
  values: Record<string, string | null>;
  error: string | null;
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export function FormPage({ id }: { id: string }) {
  const canWrite = useCanWrite('tracking');
  const canReadContacts = useCanRead('contacts');
  const to = day(Date.now());
  const from = day(Date.now() - 29 * 86_400_000);
  const form = useQuery({
    queryKey: ['form', id],
    queryFn: () => data(api.GET('/api/forms/{id}', { params: { path: { id } } })),
  });
  const figures = useQuery({
    queryKey: ['form-figures', id, from, to],
    queryFn: () =>
      data(api.GET('/api/forms/{id}/figures', { params: { path: { id }, query: { from, to } } })),
  });
  const submissions = useInfiniteQuery({
    queryKey: ['form-submissions', id],
    queryFn: ({ pageParam }) =>
      data(
        api.GET('/api/forms/{id}/submissions', {
          params: { path: { id }, query: { limit: 50, ...(pageParam ? { cursor: pageParam } : {}) } },
        }),
      ),
    initialPageParam: '',
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  if (form.isPending) return <Loading />;
  if (form.isError) return <ErrorState error={form.error} retry={() => form.refetch()} />;
  const keys = form.data.definition.fields
    .filter((f) => f.type !== 'consent')
    .map((f) => f.key)
    .slice(0, 3);
  const columns: Column<Submission>[] = [
    { id: 'received', header: 'Received', cell: (s) => formatDateTime(s.receivedAt) },
    ...keys.map((key) => ({
      id: `value-${key}`,
      header: key,
      cell: (s: Submission) => s.values[key] ?? '—',
    })),
    {
      id: 'outcome',
      header: 'Outcome',
      cell: (s) =>
        s.status === 'failed'
          ? `failed: ${s.error ?? ''}`
          : s.outcome
            ? `${s.outcome} the contact`
            : s.status,
    },
    {
      id: 'contact',
      header: 'Contact',
      cell: (s) =>
        s.contactId && canReadContacts ? (
          <Link href={inApp(`/contacts/${s.contactId}`)}>Open contact</Link>
        ) : (
          '—'
        ),
    },
  ];
  const rows = (submissions.data?.pages ?? []).flatMap((page) => page.submissions) as Submission[];
  const page = form.data.definition.page;
  return (
    <Page
      title={form.data.name}
      description={page ? <>Hosted page: /p/{page.slug}</> : 'Embedded only (no hosted page).'}
      actions={
        <>
          {page ? (
            <a
              className="button"
              href={`/p/${encodeURIComponent(page.slug)}`}
              target="_blank"
              rel="noreferrer"
            >
              Open the hosted page
            </a>
          ) : null}
          {canWrite ? (
            <Link href={`/${id}/edit`} className="button primary">
              Edit form
            </Link>
          ) : null}
        </>
      }
    >
      <Section title="Last 30 days">
        {figures.isPending ? (
          <Loading />
        ) : figures.isError ? (
          <ErrorState error={figures.error} retry={() => figures.refetch()} />
        ) : (
          <div className="stats-row">
            <Stat label="Views" kind="total" value={figures.data.views} />
            <Stat label="Submissions" kind="total" value={figures.data.submissions} />
            {figures.data.conversionRate === null ? (
              <div className="stat">
                <span className="stat-label">Conversion rate</span>
                <span className="stat-value">no views</span>
              </div>
            ) : (
              <Stat label="Conversion rate" value={figures.data.conversionRate} format={formatPercent} />
            )}
            <Stat label="Contacts created" value={figures.data.contactsCreated} />
            <Stat label="Contacts updated" value={figures.data.contactsUpdated} />
          </div>
        )}
      </Section>
      <Section title="Submissions">
        {submissions.isPending ? (
          <Loading />
        ) : submissions.isError ? (
          <ErrorState error={submissions.error} retry={() => submissions.refetch()} />
        ) : (
          <DataTable
            caption="Submissions"
            columns={columns}
            rows={rows}
            rowId={(s) => s.id}
            pageSize={500}
            empty={<EmptyState title="No submissions yet." />}
            more={
              submissions.hasNextPage
                ? {
                    onMore: () => submissions.fetchNextPage(),
                    loading: submissions.isFetchingNextPage,
                    label: `Show more (${formatNumber(rows.length)} shown)`,
                  }
                : null
            }
          />
        )}
      </Section>
    </Page>
  );
}
