// A table of rows (TanStack Table): sortable columns, pages of rows, and rows that link to their own page.
// Rows given all at once are sorted and paged here; a server-paged list passes one page and `more`.
import {
  type CellData,
  type ColumnDef,
  createPaginatedRowModel,
  createSortedRowModel,
  type RowData,
  rowPaginationFeature,
  rowSortingFeature,
  type SortFn,
  tableFeatures,
  useTable,
} from '@tanstack/react-table';
import { type ReactNode, useMemo } from 'react';
import { Link, useLocation } from 'wouter';
import { EmptyState } from './EmptyState';

export interface Column<Row extends RowData> {
  id: string;
  header: string;
  /** What the cell shows (default: the sort value as text). */
  cell?: (row: Row) => ReactNode;
  /** The value sorted on; a column without one cannot be sorted. */
  value?: (row: Row) => string | number | null | undefined;
  /** Right-aligned, numeric sorting. */
  numeric?: boolean;
}

export interface DataTableProps<Row extends RowData> {
  /** The table's accessible name (its caption). */
  caption: string;
  columns: Column<Row>[];
  rows: Row[];
  /** A stable id per row. */
  rowId: (row: Row) => string;
  /** Makes the first cell a link to this address and the whole row clickable. */
  rowHref?: (row: Row) => string;
  pageSize?: number;
  /** Shown when there are no rows. */
  empty?: ReactNode;
  /** For server-paged lists: a button that loads the next page (cursor paging). */
  more?: { label?: string; onMore: () => void; loading?: boolean } | null;
  /** Initial sort, e.g. { id: 'created', desc: true }. */
  initialSort?: { id: string; desc: boolean };
}

const features = tableFeatures({
  rowSortingFeature,
  sortedRowModel: createSortedRowModel(),
  rowPaginationFeature,
  paginatedRowModel: createPaginatedRowModel(),
});

type Value = string | number | null | undefined;

const compareValues: SortFn<typeof features, never> = (a, b, id) => {
  const x = a.getValue(id) as Value;
  const y = b.getValue(id) as Value;
  if (x === y) return 0;
  if (x === null || x === undefined) return -1;
  if (y === null || y === undefined) return 1;
  if (typeof x === 'number' && typeof y === 'number') return x - y;
  return String(x).localeCompare(String(y), undefined, { numeric: true, sensitivity: 'base' });
};

export function DataTable<Row extends RowData>({
  caption,
  columns,
  rows,
  rowId,
  rowHref,
  pageSize = 25,
  empty,
  more,
  initialSort,
}: DataTableProps<Row>) {
  const [, navigate] = useLocation();
  const tableColumns = useMemo(
    () =>
      columns.map(
        (column): ColumnDef<typeof features, Row, CellData> => ({
          id: column.id,
          header: column.header,
          accessorFn: (row: Row) => (column.value ? column.value(row) : null) as CellData,
          enableSorting: column.value !== undefined,
          sortFn: compareValues as unknown as SortFn<typeof features, Row>,
          sortUndefined: 'last',
        }),
      ),
    [columns],
  );
  const table = useTable({
    features,
    columns: tableColumns,
    data: rows,
    getRowId: (row: Row) => rowId(row),
    initialState: {
      pagination: { pageIndex: 0, pageSize },
      sorting: initialSort ? [initialSort] : [],
    },
  });

  if (rows.length === 0) return <>{empty ?? <EmptyState title="Nothing here yet." />}</>;
  const byId = new Map(columns.map((c) => [c.id, c]));
  const pageCount = table.getPageCount();
  const { pageIndex } = table.atoms.pagination.get();

  return (
    <div>
      <div className="table-wrap">
        <table>
          <caption className="visually-hidden">{caption}</caption>
          <thead>
            {table.getHeaderGroups().map((group) => (
              <tr key={group.id}>
                {group.headers.map((header) => {
                  const column = byId.get(header.column.id);
                  const sorted = header.column.getIsSorted();
                  return (
                    <th
                      key={header.id}
                      scope="col"
                      className={column?.numeric ? 'number' : undefined}
                      aria-sort={
                        sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : undefined
                      }
                    >
                      {header.column.getCanSort() ? (
                        <button
                          type="button"
                          className="sort"
                          onClick={header.column.getToggleSortingHandler()}
                        >
                          {column?.header}
                          <span aria-hidden="true">
                            {sorted === 'asc' ? ' ▲' : sorted === 'desc' ? ' ▼' : ' ↕'}
                          </span>
                        </button>
                      ) : (
                        column?.header
                      )}
                    </th>
                  );
                })}
              </tr>
            ))}
          </thead>
          <tbody>
            {table.getRowModel().rows.map((row) => {
              const href = rowHref?.(row.original);
              return (
                <tr
                  key={row.id}
                  className={href ? 'linked' : undefined}
                  onClick={
                    href
                      ? (event) => {
                          // The first cell's link serves keyboards; a click anywhere else on the row follows it too.
                          if ((event.target as HTMLElement).closest('a, button, input, select, textarea'))
                            return;
                          navigate(href);
                        }
                      : undefined
                  }
                >
                  {row.getAllCells().map((cell, index) => {
                    const column = byId.get(cell.column.id);
                    const content = column?.cell ? column.cell(row.original) : String(cell.getValue() ?? '');
                    return (
                      <td key={cell.id} className={column?.numeric ? 'number' : undefined}>
                        {href && index === 0 ? <Link href={href}>{content}</Link> : content}
                      </td>
                    );
                  })}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {pageCount > 1 || more ? (
        <nav className="pager" aria-label={`${caption}: pages`}>
          {pageCount > 1 ? (
            <>
              <span>
                Page {pageIndex + 1} of {pageCount} ({rows.length} rows)
              </span>
              <button
                type="button"
                onClick={() => table.previousPage()}
                disabled={!table.getCanPreviousPage()}
              >
                Previous
              </button>
              <button type="button" onClick={() => table.nextPage()} disabled={!table.getCanNextPage()}>
                Next
              </button>
            </>
          ) : null}
          {more ? (
            <button type="button" onClick={more.onMore} disabled={more.loading}>
              {more.loading ? 'Loading…' : (more.label ?? 'Load more')}
            </button>
          ) : null}
        </nav>
      ) : null}
    </div>
  );
}
