// An event's insights: registered, waitlisted, cancelled, checked in and (once it has ended) no-shows,
// with places left, for the event, each pass and each session, and per day in its time zone. Every
// number links to the registrants behind it.
import { useQuery } from '@tanstack/react-query';
import { Link } from 'wouter';
import { api, data } from '../../api/client';
import type { paths } from '../../api/schema';
import { ErrorState } from '../../ui/ErrorState';
import { formatNumber } from '../../ui/format';
import { Loading } from '../../ui/NotFound';
import { Page, Section } from '../../ui/Page';
import { TimeChart } from '../../ui/TimeChart';
import { shownTime } from './event-types';

type Insights = paths['/api/events/{id}/insights']['get']['responses'][200]['content']['application/json'];
type Figures = Pick<Insights, 'registered' | 'waitlisted' | 'cancelled' | 'checkedIn' | 'noShows'>;
type Places = Pick<Insights, 'capacity' | 'taken' | 'placesLeft'>;
type Scope = { pass?: string; session?: string };

/** The figures, in order, with the `figure` the registrants list takes and the words used everywhere. */
const FIGURES = [
  { key: 'registered', figure: 'registered', label: 'Registered' },
  { key: 'waitlisted', figure: 'waitlisted', label: 'Waitlisted' },
  { key: 'cancelled', figure: 'cancelled', label: 'Cancelled' },
  { key: 'checkedIn', figure: 'checked_in', label: 'Checked in' },
  { key: 'noShows', figure: 'no_show', label: 'No-shows' },
] as const;

const DAY = 86_400_000;

/** Every day from the first to the last with activity (at most a year), the quiet ones as zeros. */
function dailySeries(timeline: Insights['timeline']): Insights['timeline'] {
  if (timeline.length === 0) return [];
  const byDay = new Map(timeline.map((d) => [d.day, d]));
  const first = Date.parse(`${timeline[0]!.day}T00:00:00Z`);
  const last = Math.min(Date.parse(`${timeline[timeline.length - 1]!.day}T00:00:00Z`), first + 366 * DAY);
  const out: Insights['timeline'] = [];
  for (let at = first; at <= last; at += DAY) {
    const day = new Date(at).toISOString().slice(0, 10);
    out.push(byDay.get(day) ?? { day, registrations: 0, cancellations: 0, checkIns: 0 });
  }
  return out;
}

const placesText = (p: Places) => (p.placesLeft === null ? 'no limit' : formatNumber(p.placesLeft));

function FigureLink({
  id,
  figure,
  value,
  scope,
}: {
  id: string;
  figure: string;
  value: number;
  scope?: Scope;
}) {
  const query = new URLSearchParams({ figure, ...scope });
  return <Link href={`/${encodeURIComponent(id)}/registrants?${query}`}>{formatNumber(value)}</Link>;
}

function FiguresTable({
  id,
  caption,
  rows,
  scope,
}: {
  id: string;
  caption: string;
  rows: (Figures & Places & { id: string; name: string; when?: string })[];
  scope: 'pass' | 'session';
}) {
  if (rows.length === 0) return <p>None.</p>;
  return (
    <div className="table-wrap">
      <table>
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{scope === 'pass' ? 'Pass' : 'Session'}</th>
            {FIGURES.map((f) => (
              <th key={f.key} scope="col" className="number">
                {f.label}
              </th>
            ))}
            <th scope="col" className="number">
              Capacity
            </th>
            <th scope="col" className="number">
              Places left
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.id}>
              <th scope="row">
                {row.name}
                {row.when ? <small className="event-insights-when"> {row.when}</small> : null}
              </th>
              {FIGURES.map((f) => {
                const value = row[f.key];
                return (
                  <td key={f.key} className="number">
                    {value === null ? (
                      '–'
                    ) : (
                      <FigureLink id={id} figure={f.figure} value={value} scope={{ [scope]: row.id }} />
                    )}
                  </td>
                );
              })}
              <td className="number">{row.capacity === null ? '–' : formatNumber(row.capacity)}</td>
              <td className="number">{placesText(row)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function EventInsightsPage({ id }: { id: string }) {
  const insights = useQuery({
    queryKey: ['event-insights', id],
    queryFn: () => data(api.GET('/api/events/{id}/insights', { params: { path: { id } } })),
  });
  if (insights.isPending) return <Loading />;
  if (insights.isError) return <ErrorState error={insights.error} retry={() => insights.refetch()} />;
  const s = insights.data;
  const days = dailySeries(s.timeline);
  return (
    <Page
      title={`${s.name}: insights`}
      description={
        <>
          {shownTime(s.start)} – {shownTime(s.end)} ({s.timeZone}) · {s.status} ·{' '}
          <Link href={`/${encodeURIComponent(id)}`}>Edit the event</Link>
        </>
      }
      dataAsOf={s.asOf}
    >
      <Section title="Registrations">
        <div className="stats-row">
          {FIGURES.map((f) => {
            const value = s[f.key];
            return (
              <div className="stat" key={f.key}>
                <p className="stat-label">{f.label}</p>
                <p className="stat-value">
                  {value === null ? '–' : <FigureLink id={id} figure={f.figure} value={value} />}
                </p>
                {value === null ? <p className="stat-change">Counted once the event has ended.</p> : null}
              </div>
            );
          })}
          <div className="stat">
            <p className="stat-label">Places left</p>
            <p className="stat-value">{placesText(s)}</p>
            <p className="stat-change">
              {formatNumber(s.taken)} taken
              {s.capacity === null ? '' : ` of ${formatNumber(s.capacity)}`}
            </p>
          </div>
        </div>
      </Section>
      <Section title="Per pass">
        <FiguresTable id={id} caption="Registrations per pass" rows={s.passes} scope="pass" />
      </Section>
      <Section title="Per session">
        <FiguresTable
          id={id}
          caption="Registrations per session"
          rows={s.sessions.map((session) => ({
            ...session,
            when: `${shownTime(session.start)}–${session.end.slice(11, 16)}`,
          }))}
          scope="session"
        />
      </Section>
      <Section title="Over time">
        {days.length === 0 ? (
          <p>No registrations yet.</p>
        ) : (
          <TimeChart
            title={`Registrations, cancellations and check-ins per day (${s.timeZone})`}
            times={days.map((d) => d.day)}
            series={[
              { label: 'Registrations', values: days.map((d) => d.registrations) },
              { label: 'Cancellations', values: days.map((d) => d.cancellations) },
              { label: 'Check-ins', values: days.map((d) => d.checkIns) },
            ]}
          />
        )}
      </Section>
    </Page>
  );
}
