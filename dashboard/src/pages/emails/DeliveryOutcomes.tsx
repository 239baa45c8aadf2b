// A send's outcomes after sending, on its insights page: bounces by kind and D365 category (how many came
// after the SMTP server had accepted the email), complaints, auto-replies counted apart, and the people
// who unsubscribed by what they used. The totals are the insights' counters; the breakdown is
// GET /api/sends/{id}/outcomes (decision 032).
import { useQuery } from '@tanstack/react-query';
import { api, data } from '../../api/client';
import { ErrorState } from '../../ui/ErrorState';
import { formatNumber } from '../../ui/format';
import { Loading } from '../../ui/NotFound';
import { Section } from '../../ui/Page';
import {
  categoryLabel,
  labelOf,
  OUTCOME_KIND_LABELS,
  OUTCOME_KIND_ORDER,
  UNSUBSCRIBE_SOURCE_LABELS,
} from './outcome-labels';

/** "(2 arrived after acceptance)" beside the bounce figures, when any did. */
export function LateBounces({ late }: { late: number | undefined }) {
  if (!late) return null;
  return (
    <span className="as-of"> ({formatNumber(late)} arrived after acceptance: counted out of delivered)</span>
  );
}

interface Totals {
  complaints?: number;
  autoReplies?: number;
  unsubscribes: number;
}

export function DeliveryOutcomes({ sendId, totals }: { sendId: string; totals: Totals }) {
  const outcomes = useQuery({
    queryKey: ['send-outcomes', sendId],
    queryFn: () => data(api.GET('/api/sends/{id}/outcomes', { params: { path: { id: sendId } } })),
  });
  const body = () => {
    if (outcomes.isPending) return <Loading />;
    if (outcomes.isError) return <ErrorState error={outcomes.error} retry={() => outcomes.refetch()} />;
    const rank = (kind: string) => {
      const at = OUTCOME_KIND_ORDER.indexOf(kind);
      return at < 0 ? OUTCOME_KIND_ORDER.length : at;
    };
    const rows = [...outcomes.data.outcomes].sort((a, b) => rank(a.kind) - rank(b.kind) || b.count - a.count);
    return (
      <>
        <dl className="rates">
          <div>
            <dt>Complaints</dt>
            <dd>
              {formatNumber(totals.complaints ?? 0)}{' '}
              <small>(marked as spam: unsubscribed from every list and suppressed for good)</small>
            </dd>
          </div>
          <div>
            <dt>Auto-replies</dt>
            <dd>
              {formatNumber(totals.autoReplies ?? 0)}{' '}
              <small>(out-of-office and challenge mails: counted apart, never bounces)</small>
            </dd>
          </div>
        </dl>
        {rows.length === 0 ? (
          <p>No bounce, complaint or auto-reply has been recorded for this send.</p>
        ) : (
          <div className="table-wrap">
            <table>
              <caption>
                By kind and category. Blocked: refused for the sender, the content or a policy (counted with
                soft bounces, never suppresses).
              </caption>
              <thead>
                <tr>
                  <th scope="col">Kind</th>
                  <th scope="col">Category</th>
                  <th scope="col" className="number">
                    Recipients
                  </th>
                  <th scope="col" className="number">
                    After acceptance
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((row) => (
                  <tr key={`${row.kind} ${row.category}`}>
                    <th scope="row">{labelOf(OUTCOME_KIND_LABELS, row.kind)}</th>
                    <td>{categoryLabel(row.category)}</td>
                    <td className="number">{formatNumber(row.count)}</td>
                    <td className="number">{formatNumber(row.late)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </>
    );
  };
  const unsubscribes = () => {
    if (!outcomes.data) return null;
    // A complaint unsubscribes from everything too; it is counted as a complaint, not here (as the total).
    const sources = outcomes.data.unsubscribes.filter((row) => row.source !== 'complaint');
    return (
      <>
        <p>
          {formatNumber(totals.unsubscribes)} {totals.unsubscribes === 1 ? 'person' : 'people'} unsubscribed
          after this email (each counted once, however many lists they left).
        </p>
        {sources.length === 0 ? null : (
          <div className="table-wrap">
            <table>
              <caption>
                By what they used. Someone who used two ways counts under each. The link&apos;s page and a
                mail provider&apos;s one-click button send the same request, so they count together.
              </caption>
              <thead>
                <tr>
                  <th scope="col">Source</th>
                  <th scope="col" className="number">
                    People
                  </th>
                </tr>
              </thead>
              <tbody>
                {sources.map((row) => (
                  <tr key={row.source}>
                    <th scope="row">{labelOf(UNSUBSCRIBE_SOURCE_LABELS, row.source)}</th>
                    <td className="number">{formatNumber(row.count)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </>
    );
  };
  return (
    <>
      <Section title="Bounces, complaints and auto-replies">{body()}</Section>
      <Section title="Unsubscribes">{unsubscribes()}</Section>
    </>
  );
}
