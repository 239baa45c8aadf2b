// Bounce reports (administrators): every report the bounce receiver or a provider's webhook took, newest
// first, with its verdict. The ones nothing could be recorded from (unparseable, forged, unmatched) keep
// the message as received, shown here only as text in a <pre> (React escapes it): never rendered as
// HTML, no link in it followed, no image loaded.
import { useInfiniteQuery } from '@tanstack/react-query';
import { useSearchParams } from 'wouter';
import { api, data } from '../../api/client';
import { EmptyState } from '../../ui/EmptyState';
import { ErrorState } from '../../ui/ErrorState';
import { SelectField } from '../../ui/fields';
import { formatNumber } from '../../ui/format';
import { Loading } from '../../ui/NotFound';
import { formatDateTime, Section } from '../../ui/Page';
import { SettingsPage } from './SettingsPage';

type Verdict = 'recorded' | 'duplicate' | 'unparseable' | 'forged' | 'unmatched' | 'ignored';

const VERDICTS: { value: Verdict; label: string; meaning: string }[] = [
  { value: 'unparseable', label: 'Unparseable', meaning: 'could not be read as a report: nothing changed' },
  {
    value: 'forged',
    label: 'Forged',
    meaning: 'its return address or header was not sealed by Spoor: nothing changed',
  },
  { value: 'unmatched', label: 'Unmatched', meaning: 'names an email Spoor never sent: nothing changed' },
  { value: 'recorded', label: 'Recorded', meaning: 'the outcome was recorded' },
  { value: 'duplicate', label: 'Duplicate', meaning: 'recorded before: counted once' },
  { value: 'ignored', label: 'Ignored', meaning: 'a delay warning or a feedback type that changes nothing' },
];
const KEPT = new Set<Verdict>(['unparseable', 'forged', 'unmatched']);
const meaningOf = (verdict: string) => VERDICTS.find((v) => v.value === verdict);

export function BounceReportsPage() {
  const [params, setParams] = useSearchParams();
  const chosen = params.get('verdict') ?? '';
  const verdict = VERDICTS.some((v) => v.value === chosen) ? (chosen as Verdict) : undefined;
  const reports = useInfiniteQuery({
    queryKey: ['bounce-reports', verdict ?? 'all'],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      data(
        api.GET('/api/bounce-reports', {
          params: {
            query: {
              limit: 25,
              ...(verdict ? { verdict } : {}),
              ...(pageParam ? { cursor: pageParam } : {}),
            },
          },
        }),
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const rows = reports.data?.pages.flatMap((page) => page.reports) ?? [];
  return (
    <SettingsPage
      title="Bounce reports"
      description="Delivery reports, complaints and auto-replies the bounce receiver and webhooks took, newest first. Those nothing could be recorded from keep the message, shown as plain text."
    >
      <SelectField
        label="Verdict"
        value={verdict ?? ''}
        onChange={(event) =>
          setParams(event.target.value ? { verdict: event.target.value } : {}, { replace: true })
        }
        options={[
          { value: '', label: 'Every verdict' },
          ...VERDICTS.map((v) => ({ value: v.value, label: v.label })),
        ]}
      />
      <Section title={verdict ? `${meaningOf(verdict)?.label} reports` : 'Reports'}>
        {reports.isPending ? (
          <Loading />
        ) : reports.isError ? (
          <ErrorState error={reports.error} retry={() => reports.refetch()} />
        ) : rows.length === 0 ? (
          <EmptyState title="No report yet.">
            <p>
              Reports arrive at the bounce domain's receiver (SPOOR_BOUNCE_DOMAIN) and the providers'
              webhooks.
            </p>
          </EmptyState>
        ) : (
          <>
            <ol className="bounce-reports" aria-label="Bounce reports, newest first">
              {rows.map((report) => (
                <li key={report.id}>
                  <p>
                    <span className={`badge ${KEPT.has(report.verdict) ? 'bad' : 'good'}`}>
                      {meaningOf(report.verdict)?.label ?? report.verdict}
                    </span>{' '}
                    <time dateTime={report.receivedAt}>{formatDateTime(report.receivedAt)}</time> · from{' '}
                    {report.source} · {formatNumber(report.size)} bytes
                  </p>
                  <p>{report.reason}</p>
                  <dl className="facts">
                    <dt>Envelope from</dt>
                    <dd>{report.envelopeFrom || '(empty: a bounce)'}</dd>
                    <dt>Envelope to</dt>
                    <dd>{report.envelopeTo ?? '—'}</dd>
                    <dt>Verdict</dt>
                    <dd>{meaningOf(report.verdict)?.meaning ?? report.verdict}</dd>
                  </dl>
                  {report.raw !== null ? (
                    <details>
                      <summary>Show the message as received (text)</summary>
                      <pre className="raw-message">{report.raw}</pre>
                    </details>
                  ) : null}
                </li>
              ))}
            </ol>
            {reports.hasNextPage ? (
              <button
                type="button"
                onClick={() => reports.fetchNextPage()}
                disabled={reports.isFetchingNextPage}
              >
                {reports.isFetchingNextPage ? 'Loading…' : 'Show older reports'}
              </button>
            ) : null}
          </>
        )}
      </Section>
    </SettingsPage>
  );
}
