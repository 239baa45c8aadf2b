// The registrants behind one figure of an event's insights, page after page, with a CSV of all of them.
import { useInfiniteQuery } from '@tanstack/react-query';
import { Link, useSearch } from 'wouter';
import { api, data } from '../../api/client';
import type { paths } from '../../api/schema';
import { inApp } from '../../ui/app-path';
import { DataTable } from '../../ui/DataTable';
import { ErrorState } from '../../ui/ErrorState';
import { Page } from '../../ui/Page';
import { shownTime } from './event-types';

type Listed = paths['/api/events/{id}/registrants']['get']['responses'][200]['content']['application/json'];
type Query = NonNullable<paths['/api/events/{id}/registrants']['get']['parameters']['query']>;

export function EventRegistrantsPage({ id }: { id: string }) {
  const search = useSearch();
  const query = Object.fromEntries(new URLSearchParams(search)) as unknown as Query;
  const pages = useInfiniteQuery({
    queryKey: ['event-registrants', id, search],
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last: Listed) => last.nextCursor ?? undefined,
    queryFn: async ({ pageParam }) =>
      data(
        api.GET('/api/events/{id}/registrants', {
          params: { path: { id }, query: { ...query, ...(pageParam ? { cursor: pageParam } : {}) } },
        }),
      ),
  });
  if (pages.error) return <ErrorState error={pages.error} retry={() => pages.refetch()} />;
  const all = pages.data?.pages ?? [];
  const rows = all.flatMap((p) => p.registrants);
  const title = all[0]?.label ?? 'Registrants';
  const when = (time: string | null) => (time ? shownTime(time) : '');
  return (
    <Page
      title={title}
      description={
        <>
          {all[0]?.eventName ? `${all[0].eventName} · ` : null}
          <Link href={`/${encodeURIComponent(id)}/insights`}>Back to the insights</Link>
        </>
      }
      actions={
        <a
          className="button"
          href={`/api/events/${encodeURIComponent(id)}/registrants.csv?${new URLSearchParams(
            Object.entries(query)
              .filter(([key]) => key !== 'cursor' && key !== 'limit')
              .map(([key, value]) => [key, String(value)]),
          )}`}
          download
        >
          Export CSV
        </a>
      }
    >
      <DataTable
        caption={title}
        rows={rows}
        rowId={(r) => r.registrationId}
        rowHref={(r) => inApp(`/contacts/${r.contactId}`)}
        columns={[
          { id: 'email', header: 'Email', value: (r) => r.email ?? '' },
          { id: 'name', header: 'Name', value: (r) => r.name ?? '' },
          { id: 'pass', header: 'Pass', value: (r) => r.pass ?? '' },
          { id: 'sessions', header: 'Sessions', value: (r) => r.sessions.join(', ') },
          { id: 'registered', header: 'Registered', value: (r) => when(r.registeredAt) },
          { id: 'checkedIn', header: 'Checked in', value: (r) => when(r.checkedInAt) },
          { id: 'cancelled', header: 'Cancelled', value: (r) => when(r.cancelledAt) },
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
