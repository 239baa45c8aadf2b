// Chooses the reporting period (presets or custom days), kept in the URL query; usePeriod reads it.
import { useState } from 'react';
import { useSearchParams } from 'wouter';
import {
  PERIOD_PRESETS,
  type Period,
  type PeriodPreset,
  periodQuery,
  resolvePeriod,
  todayUtc,
} from './period';

/** The period the URL names (default: the last 30 days). */
export function usePeriod(): Period {
  const [query] = useSearchParams();
  return resolvePeriod(query, todayUtc());
}

export function PeriodPicker() {
  const [query, setQuery] = useSearchParams();
  const period = resolvePeriod(query, todayUtc());
  const [custom, setCustom] = useState({ from: period.from, to: period.to });
  const choosingCustom = query.get('period') === 'custom';

  function choose(preset: PeriodPreset) {
    if (preset === 'custom') setQuery(periodQuery(query, { preset, from: period.from, to: period.to }));
    else setQuery(periodQuery(query, { preset }));
  }

  return (
    <div className="period-picker">
      <div className="field">
        <label htmlFor="period">Period</label>
        <select
          id="period"
          value={choosingCustom ? 'custom' : period.preset}
          onChange={(e) => choose(e.target.value as PeriodPreset)}
        >
          {PERIOD_PRESETS.map((p) => (
            <option key={p.value} value={p.value}>
              {p.label}
            </option>
          ))}
        </select>
      </div>
      {choosingCustom ? (
        <form
          className="period-picker"
          onSubmit={(event) => {
            event.preventDefault();
            setQuery(periodQuery(query, { preset: 'custom', ...custom }));
          }}
        >
          <div className="field">
            <label htmlFor="period-from">From</label>
            <input
              id="period-from"
              type="date"
              value={custom.from}
              max={custom.to}
              onChange={(e) => setCustom({ ...custom, from: e.target.value })}
            />
          </div>
          <div className="field">
            <label htmlFor="period-to">To</label>
            <input
              id="period-to"
              type="date"
              value={custom.to}
              min={custom.from}
              onChange={(e) => setCustom({ ...custom, to: e.target.value })}
            />
          </div>
          <button type="submit">Apply</button>
        </form>
      ) : null}
    </div>
  );
}
