// Cursor paging: a store reads one row more than the page holds; that extra row says whether there is a
// next page, and the page's last row names where it starts.

export interface Page<Row> {
  rows: Row[];
  nextCursor: string | null;
}

/** `rows` were read with a limit of `limit + 1`; `cursorOf` names the position after a row. */
export function pageOf<Row>(rows: Row[], limit: number, cursorOf: (last: Row) => string): Page<Row> {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { rows: page, nextCursor: rows.length > limit && last !== undefined ? cursorOf(last) : null };
}
