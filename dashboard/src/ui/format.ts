// Number formats shared by every page, so the same figure reads the same everywhere.

const integer = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const percent = new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 1 });

export function formatNumber(value: number): string {
  return integer.format(value);
}

/** A fraction (0.123) as a percentage ("12.3%"). */
export function formatPercent(value: number): string {
  return percent.format(value);
}

/** Seconds as "1 h 5 min", "3 min 20 s" or "42 s". */
export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}
