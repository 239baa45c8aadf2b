// The contacts behind one figure of a send, page after page, with a CSV of all of them.
import { useInfiniteQuery } from '@tanstack/react-query';
import { useParams, useSearch } from 'wouter';
import { api, data } from '../../api/client';
import { inApp } from '../../ui/app-path';
import { DataTable } from '../../ui/DataTable';
import { ErrorState } from '../../ui/ErrorState';
import { Page } from '../../ui/Page';

interface Listed {
  label: string;
  contacts: { contactId: string; email: string | null; status: string; blockReason: string | null }[];
  unnamed: number;
  nextCursor: string | null;
}

export function FigureContactsPage() {
  const { id } = useParams<{ id: string }>();
  const search = useSearch();
  const query = Object.fromEntries(new URLSearchParams(search));
  const pages = useInfiniteQuery({
    queryKey: ['figure-contacts', id, search],
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last: Listed) => last.nextCursor ?? undefined,
    queryFn: async ({ pageParam }) =>
      (await data(
        api.GET('/api/sends/{id}/contacts', {
          // biome-ignore lint/suspicious/noExplicitAny: the query comes from the insights page's own links.
          params: { path: { id }, query: { ...(query as any), ...(pageParam ? { cursor: pageParam } : {}) } },
        }),
      )) as Listed,
  });
  if (pages.error) return <ErrorState error={pages.error} retry={() => pages.refetch()} />;
  const all = pages.data?.pages ?? [];
  const rows = all.flatMap((p) => p.contacts);
  const unnamed = all.reduce((n, p) => n + p.unnamed, 0);
  return (
    <Page
      title={all[0]?.label ?? 'Contacts'}
      actions={
        <a className="button" href={`/api/sends/${encodeURIComponent(id)}/contacts.csv?${search}`} download>
          Export CSV
        </a>
      }
    >
      {unnamed > 0 ? (
        <p>
          {unnamed} more counted in this figure did not allow tracking (or were erased): counted, never named.
        </p>
      ) : null}
      <DataTable
        caption={all[0]?.label ?? 'Contacts'}
        rows={rows}
        rowId={(r) => r.contactId}
        rowHref={(r) => inApp(`/contacts/${r.contactId}`)}
        columns={[
          { id: 'email', header: 'Email', value: (r) => r.email ?? '' },
          { id: 'status', header: 'Status', value: (r) => r.status },
          { id: 'reason', header: 'Blocked because', value: (r) => r.blockReason ?? '' },
        ]}
        more={
          pages.hasNextPage
            ? { onMore: () => pages.fetchNextPage(), loading: pages.isFetchingNextPage }
            : null
        }
      />
    </Page>
  );
}
