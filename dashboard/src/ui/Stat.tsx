// One figure with its change against the previous period ("▲ 12.5% vs previous 30 days").
import { formatNumber, formatPercent } from './format';
import { changeBetween } from './period';

export interface StatProps {
  label: string;
  value: number;
  /** The same figure over the previous period; no comparison when omitted. */
  previous?: number | null;
  /** How to show the value (default: a whole number). */
  format?: (value: number) => string;
  /** For figures where going down is good (bounces, unsubscribes). */
  lowerIsBetter?: boolean;
  /** A link to what is behind the figure (the contacts, the list). */
  href?: string;
  /** E.g. "unique" or "total": labelled the same way on every page. */
  kind?: string;
}

export function Stat({
  label,
  value,
  previous,
  format = formatNumber,
  lowerIsBetter,
  href,
  kind,
}: StatProps) {
  const change = changeBetween(value, previous);
  const direction =
    change === null || change === 0 ? 'flat' : change > 0 !== Boolean(lowerIsBetter) ? 'up' : 'down';
  const shown = format(value);
  return (
    <div className="stat">
      <p className="stat-label">
        {label}
        {kind ? <span className="visually-hidden"> ({kind})</span> : null}
        {kind ? <span aria-hidden="true"> · {kind}</span> : null}
      </p>
      <p className="stat-value">{href ? <a href={href}>{shown}</a> : shown}</p>
      {previous === undefined ? null : (
        <p className="stat-change" data-direction={direction}>
          {change === null ? (
            <>no comparison (previous period: {format(previous ?? 0)})</>
          ) : (
            <>
              <span className="delta">
                <span aria-hidden="true">{change > 0 ? '▲ ' : change < 0 ? '▼ ' : ''}</span>
                {change > 0 ? '+' : ''}
                {formatPercent(change)}
              </span>{' '}
              vs previous period ({format(previous ?? 0)})
            </>
          )}
        </p>
      )}
    </div>
  );
}
