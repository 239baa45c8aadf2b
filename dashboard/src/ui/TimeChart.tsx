// A time series chart (uPlot, canvas: small and fast with thousands of points), redrawn in the theme's
// colours and at the box's width, with the same numbers as a table for screen readers and keyboards.
import 'uplot/dist/uPlot.min.css';
import { useEffect, useId, useRef } from 'react';
import uPlot from 'uplot';
import { formatNumber } from './format';
import { useEffectiveTheme } from './theme';

export interface TimeSeries {
  label: string;
  values: (number | null)[];
}

export interface TimeChartProps {
  /** What the chart shows; its accessible name and the table's caption. */
  title: string;
  /** One per point: a day (YYYY-MM-DD), an ISO time or a Date. */
  times: (string | Date)[];
  series: TimeSeries[];
  format?: (value: number) => string;
  height?: number;
}

const COLOURS = ['--chart-1', '--chart-2', '--chart-3', '--chart-4'];

function seconds(time: string | Date): number {
  const date = typeof time === 'string' ? new Date(time.length === 10 ? `${time}T00:00:00Z` : time) : time;
  return date.getTime() / 1000;
}

/** Tick steps for a series of whole days: never a tick between two days (uPlot would label hours). */
const DAY_STEPS = [1, 2, 3, 7, 14, 30, 61, 91, 182, 365].map((days) => days * 86_400);
const WHOLE_STEPS = [1, 2, 5]
  .flatMap((step) => [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8].map((p) => step * p))
  .sort((a, b) => a - b);
const dayLabel = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' });

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

export function TimeChart({ title, times, series, format = formatNumber, height = 260 }: TimeChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const theme = useEffectiveTheme();
  const tableId = useId();

  // biome-ignore lint/correctness/useExhaustiveDependencies: a theme change changes the CSS colours read inside.
  useEffect(() => {
    const target = box.current;
    if (!target) return;
    const text = cssVar('--text-muted');
    const grid = cssVar('--chart-grid');
    const axis = { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
    // Counts get whole-number ticks (a tick at 0.5 would read "1" once formatted).
    const wholeNumbers = series.every((s) => s.values.every((v) => v === null || Number.isInteger(v)));
    const yAxis = { ...axis, values: (_u: uPlot, values: number[]) => values.map((v) => format(v)) };
    const daily = times.every((t) => typeof t === 'string' && t.length === 10);
    const xAxis = daily
      ? {
          ...axis,
          incrs: DAY_STEPS,
          values: (_u: uPlot, splits: number[]) => splits.map((s) => dayLabel.format(new Date(s * 1000))),
        }
      : axis;
    const chart = new uPlot(
      {
        width: target.clientWidth || 600,
        height,
        // Days are UTC days: label them as such, whatever the browser's zone.
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
        series: [
          {},
          ...series.map((s, i) => ({
            label: s.label,
            stroke: cssVar(COLOURS[i % COLOURS.length]!),
            width: 2,
            value: (_u: uPlot, v: number | null) => (v === null ? '–' : format(v)),
          })),
        ],
        axes: [xAxis, wholeNumbers ? { ...yAxis, incrs: WHOLE_STEPS } : yAxis],
        cursor: { drag: { x: false, y: false } },
      },
      [times.map(seconds), ...series.map((s) => s.values)] as uPlot.AlignedData,
      target,
    );
    const resize = new ResizeObserver(() => chart.setSize({ width: target.clientWidth, height }));
    resize.observe(target);
    return () => {
      resize.disconnect();
      chart.destroy();
    };
  }, [times, series, format, height, theme]);

  const labels = times.map((t) =>
    typeof t === 'string' ? t : t.toISOString().slice(0, 16).replace('T', ' '),
  );
  return (
    <figure className="chart-figure" style={{ margin: 0 }}>
      <div
        ref={box}
        className="chart"
        role="img"
        aria-label={`${title}: chart; the same numbers are in the table below.`}
        aria-describedby={tableId}
      />
      <details className="table-alternative">
        <summary>Show as a table</summary>
        <div className="table-wrap">
          <table id={tableId}>
            <caption className="visually-hidden">{title}</caption>
            <thead>
              <tr>
                <th scope="col">Date</th>
                {series.map((s) => (
                  <th scope="col" className="number" key={s.label}>
                    {s.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {labels.map((label, row) => (
                <tr key={label}>
                  <th scope="row">{label}</th>
                  {series.map((s) => {
                    const value = s.values[row];
                    return (
                      <td className="number" key={s.label}>
                        {value === null || value === undefined ? '–' : format(value)}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
