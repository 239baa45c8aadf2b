// One CSV line (RFC 4180) for exports a spreadsheet will open: fields with a comma, quote or line break
// are quoted, and a text field a spreadsheet would run as a formula (=, +, -, @, tab, carriage return
// first) gets a leading apostrophe, so an address or a name made by a visitor cannot become one.

export type CsvValue = string | number | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return String(value);
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The fields joined, with the CRLF line end RFC 4180 asks for. */
export function csvRow(values: readonly CsvValue[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}
