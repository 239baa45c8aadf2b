// A send's live progress and insights: the delivery funnel, human vs machine, PRODUCT.md's rates, opens and
// clicks over time, clicks per link and results by recipient domain; every number links to its contacts.
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'wouter';
import { api, data } from '../../api/client';
import { ErrorState } from '../../ui/ErrorState';
import { formatNumber, formatPercent } from '../../ui/format';
import { Page, Section } from '../../ui/Page';
import { TimeChart } from '../../ui/TimeChart';
import { DeliveryOutcomes, LateBounces } from './DeliveryOutcomes';
import { type ForwardFigures, ForwardsSection } from './ForwardsSection';
import { BLOCK_REASON_LABELS, COUNT_MEANING, DELIVERY_LABELS, figureLabel, RATE_LABELS } from './labels';

type Tallies = { total: number; unique: number };
interface Insights {
  message: { id: string; name: string | null };
  subject: string;
  status: string;
  recipients: number;
  duplicates: number;
  blocked: { total: number; byReason: Record<string, number> };
  sent: number;
  delivered: number;
  bounces: { hard: number; soft: number; late?: number };
  complaints?: number;
  autoReplies?: number;
  opens: { human: Tallies; machine: Tallies };
  clicks: { human: Tallies; scanner: Tallies };
  rates: Record<'openRate' | 'clickThroughRate' | 'clickToOpenRate', number | null>;
  unsubscribes: number;
  links: { position: number; url: string; human: Tallies; scanner: Tallies }[];
  timeline: {
    hour: string;
    opens: { human: number; machine: number };
    clicks: { human: number; machine: number };
  }[];
  forwards?: ForwardFigures;
  asOf: string;
}
interface DomainRow {
  domain: string;
  recipients: number;
  sent: number;
  delivered: number;
  hardBounces: number;
  softBounces: number;
  uniqueHumanOpens: number | null;
  openRate: number | null;
}
const ACTIVE = ['queued', 'preparing', 'sending'];
const HOUR = 3_600_000;

function hourlySeries(timeline: Insights['timeline']): Insights['timeline'] {
  if (timeline.length === 0) return [];
  const byHour = new Map(timeline.map((h) => [Date.parse(h.hour), h]));
  const first = Date.parse(timeline[0]!.hour) - HOUR;
  const last = Math.min(Date.parse(timeline[timeline.length - 1]!.hour) + HOUR, first + 24 * 90 * HOUR);
  const zero = { human: 0, machine: 0 };
  const out: Insights['timeline'] = [];
  for (let at = first; at <= last; at += HOUR)
    out.push(byHour.get(at) ?? { hour: new Date(at).toISOString(), opens: zero, clicks: zero });
  return out;
}

export function SendInsightsPage() {
  const { id } = useParams<{ id: string }>();
  const insights = useQuery({
    queryKey: ['send-insights', id],
    queryFn: async () =>
      (await data(api.GET('/api/sends/{id}/insights', { params: { path: { id } } }))) as Insights,
    // Live progress while the send is under way.
    refetchInterval: (query) => (ACTIVE.includes(query.state.data?.status ?? 'queued') ? 2000 : false),
  });
  const domains = useQuery({
    queryKey: ['send-domains', id],
    queryFn: async () =>
      (await data(api.GET('/api/sends/{id}/domains', { params: { path: { id } } }))) as {
        domains: DomainRow[];
        others: DomainRow | null;
      },
  });
  if (insights.error) return <ErrorState error={insights.error} retry={() => insights.refetch()} />;
  const s = insights.data;
  if (!s) return <p>Loading…</p>;
  const to = (query: Record<string, string>) => `/sends/${id}/contacts?${new URLSearchParams(query)}`;
  const figure = (value: number, query: Record<string, string>) => (
    <Link href={to(query)}>{formatNumber(value)}</Link>
  );
  const rate = (value: number | null) => (value === null ? '–' : formatPercent(value));
  // The chart's hours from the first to the last with activity, an hour either side, gaps as zeros.
  const hours = hourlySeries(s.timeline);
  const pending = Math.max(0, s.recipients - s.duplicates - s.blocked.total - s.sent);
  return (
    // Named after the message: the subject is a template ("Welcome, {{ contact.first_name }}").
    <Page
      title={s.message.name ?? s.subject}
      description={`Subject: ${s.subject} · Status: ${s.status}`}
      dataAsOf={s.asOf}
    >
      <Section title="Delivery">
        <ol className="funnel">
          <li>
            {DELIVERY_LABELS.recipients.label}: {figure(s.recipients, { figure: 'recipients' })}
          </li>
          <li>
            {DELIVERY_LABELS.duplicates.label}: {formatNumber(s.duplicates)}
          </li>
          <li>
            {DELIVERY_LABELS.blocked.label}: {figure(s.blocked.total, { figure: 'blocked' })}
            <ul>
              {Object.entries(s.blocked.byReason).map(([reason, n]) => (
                <li key={reason}>
                  {BLOCK_REASON_LABELS[reason] ?? reason}: {figure(n, { figure: 'blocked', reason })}
                </li>
              ))}
            </ul>
          </li>
          <li>
            {DELIVERY_LABELS.sent.label}: {figure(s.sent, { figure: 'sent' })}
          </li>
          <li>
            {DELIVERY_LABELS.delivered.label}: {figure(s.delivered, { figure: 'delivered' })}
          </li>
          <li>
            {DELIVERY_LABELS.hardBounces.label}: {figure(s.bounces.hard, { figure: 'hard_bounce' })} ·{' '}
            {DELIVERY_LABELS.softBounces.label}: {figure(s.bounces.soft, { figure: 'soft_bounce' })}
            <LateBounces late={s.bounces.late} />
          </li>
          {pending > 0 ? (
            <li>
              {DELIVERY_LABELS.pending.label}: {figure(pending, { figure: 'pending' })}
            </li>
          ) : null}
        </ol>
      </Section>
      <DeliveryOutcomes sendId={id} totals={s} />
      <Section title="Rates">
        <dl className="rates">
          {(Object.keys(RATE_LABELS) as (keyof typeof RATE_LABELS)[]).map((key) => (
            <div key={key}>
              <dt>{RATE_LABELS[key].label}</dt>
              <dd>
                {rate(s.rates[key])} <small>({RATE_LABELS[key].formula})</small>
              </dd>
            </div>
          ))}
        </dl>
      </Section>
      <Section title="Opens and clicks">
        <div className="table-wrap">
          <table>
            <caption>
              Unique: {COUNT_MEANING.unique}; total: {COUNT_MEANING.total}.
            </caption>
            <thead>
              <tr>
                <th scope="col">Figure</th>
                <th scope="col" className="number">
                  Count
                </th>
              </tr>
            </thead>
            <tbody>
              <tr>
                <th scope="row">{figureLabel('opens', 'unique', 'human')}</th>
                <td className="number">{figure(s.opens.human.unique, { figure: 'opened' })}</td>
              </tr>
              <tr>
                <th scope="row">{figureLabel('opens', 'total', 'human')}</th>
                <td className="number">{formatNumber(s.opens.human.total)}</td>
              </tr>
              <tr>
                <th scope="row">{figureLabel('opens', 'unique', 'machine')}</th>
                <td className="number">
                  {figure(s.opens.machine.unique, { figure: 'opened', audience: 'machine' })}
                </td>
              </tr>
              <tr>
                <th scope="row">{figureLabel('clicks', 'unique', 'human')}</th>
                <td className="number">{figure(s.clicks.human.unique, { figure: 'clicked' })}</td>
              </tr>
              <tr>
                <th scope="row">{figureLabel('clicks', 'total', 'human')}</th>
                <td className="number">{formatNumber(s.clicks.human.total)}</td>
              </tr>
              <tr>
                <th scope="row">{figureLabel('clicks', 'unique', 'machine')}</th>
                <td className="number">
                  {figure(s.clicks.scanner.unique, { figure: 'clicked', audience: 'machine' })}
                </td>
              </tr>
              <tr>
                <th scope="row">{figureLabel('unsubscribes', 'unique')}</th>
                <td className="number">{figure(s.unsubscribes, { figure: 'unsubscribed' })}</td>
              </tr>
            </tbody>
          </table>
        </div>
      </Section>
      <ForwardsSection forwards={s.forwards} />
      <Section title="Over time">
        {s.timeline.length === 0 ? (
          <p>No opens or clicks yet.</p>
        ) : (
          <TimeChart
            title="Opens and clicks per hour"
            times={hours.map((h) => h.hour)}
            series={[
              { label: figureLabel('opens', 'total', 'human'), values: hours.map((h) => h.opens.human) },
              {
                label: figureLabel('opens', 'total', 'machine'),
                values: hours.map((h) => h.opens.machine),
              },
              {
                label: figureLabel('clicks', 'total', 'human'),
                values: hours.map((h) => h.clicks.human),
              },
              {
                label: figureLabel('clicks', 'total', 'machine'),
                values: hours.map((h) => h.clicks.machine),
              },
            ]}
          />
        )}
      </Section>
      <Section title="Clicks per link">
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">Clicks per link</caption>
            <thead>
              <tr>
                <th scope="col">Link</th>
                <th scope="col" className="number">
                  {figureLabel('clicks', 'unique', 'human')}
                </th>
                <th scope="col" className="number">
                  {figureLabel('clicks', 'total', 'human')}
                </th>
                <th scope="col" className="number">
                  {figureLabel('clicks', 'unique', 'machine')}
                </th>
              </tr>
            </thead>
            <tbody>
              {s.links.map((link) => (
                <tr key={link.position}>
                  <th scope="row" className="url">
                    {link.url}
                  </th>
                  <td className="number">
                    {figure(link.human.unique, { figure: 'clicked', link: String(link.position) })}
                  </td>
                  <td className="number">{formatNumber(link.human.total)}</td>
                  <td className="number">{formatNumber(link.scanner.unique)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Section>
      <Section title="By recipient domain">
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">Results by recipient domain</caption>
            <thead>
              <tr>
                <th scope="col">Domain</th>
                <th scope="col" className="number">
                  Contacts
                </th>
                <th scope="col" className="number">
                  {DELIVERY_LABELS.delivered.label}
                </th>
                <th scope="col" className="number">
                  Bounced
                </th>
                <th scope="col" className="number">
                  {figureLabel('opens', 'unique', 'human')}
                </th>
                <th scope="col" className="number">
                  {RATE_LABELS.openRate.label}
                </th>
              </tr>
            </thead>
            <tbody>
              {[...(domains.data?.domains ?? []), ...(domains.data?.others ? [domains.data.others] : [])].map(
                (d) => (
                  <tr key={d.domain}>
                    <th scope="row">{d.domain}</th>
                    <td className="number">{formatNumber(d.recipients)}</td>
                    <td className="number">
                      {d.domain === 'other domains'
                        ? formatNumber(d.delivered)
                        : figure(d.delivered, { figure: 'delivered', domain: d.domain })}
                    </td>
                    <td className="number">{formatNumber(d.hardBounces + d.softBounces)}</td>
                    <td className="number">
                      {d.uniqueHumanOpens === null ? 'not counted' : formatNumber(d.uniqueHumanOpens)}
                    </td>
                    <td className="number">{rate(d.openRate)}</td>
                  </tr>
                ),
              )}
            </tbody>
          </table>
        </div>
      </Section>
    </Page>
  );
}
