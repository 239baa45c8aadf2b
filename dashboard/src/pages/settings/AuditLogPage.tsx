// The audit log: who changed what through the API, the dashboard and the CLI, newest first (cursor pages).
import { useInfiniteQuery } from '@tanstack/react-query';
import { api, data } from '../../api/client';
import { type Column, DataTable } from '../../ui/DataTable';
import { EmptyState } from '../../ui/EmptyState';
import { ErrorState } from '../../ui/ErrorState';
import { Loading } from '../../ui/NotFound';
import { formatDateTime, Section } from '../../ui/Page';
import { SettingsPage } from './SettingsPage';

interface Entry {
  id: string;
  at: string;
  actor: { kind: string; id: string | null; label: string };
  action: string;
  targetId: string | null;
  outcome: string;
  status: number | null;
}

const PAGE = 100;

const columns: Column<Entry>[] = [
  { id: 'at', header: 'When', value: (e) => e.at, cell: (e) => formatDateTime(e.at) },
  {
    id: 'actor',
    header: 'Who',
    value: (e) => e.actor.label,
    cell: (e) => `${e.actor.label} (${e.actor.kind.replace('_', ' ')})`,
  },
  {
    id: 'action',
    header: 'What',
    value: (e) => e.action,
    cell: (e) => <code className="audit-action">{e.action}</code>,
  },
  {
    id: 'target',
    header: 'Target',
    value: (e) => e.targetId ?? '',
    cell: (e) => (e.targetId ? <code>{e.targetId}</code> : '–'),
  },
  {
    id: 'outcome',
    header: 'Outcome',
    value: (e) => e.outcome,
    cell: (e) => <span className={`badge ${e.outcome === 'ok' ? 'good' : 'bad'}`}>{e.outcome}</span>,
  },
];

export function AuditLogPage() {
  const log = useInfiniteQuery({
    queryKey: ['audit-log'],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      data(
        api.GET('/api/audit-log', {
          params: { query: { limit: PAGE, ...(pageParam ? { cursor: pageParam } : {}) } },
        }),
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const entries = (log.data?.pages.flatMap((page) => page.entries) ?? []) as Entry[];
  return (
    <SettingsPage
      title="Audit log"
      description="Every change made through the dashboard, the API and the command line."
    >
      <Section title="Changes, newest first">
        {log.isPending ? (
          <Loading />
        ) : log.isError ? (
          <ErrorState error={log.error} retry={() => log.refetch()} />
        ) : (
          <DataTable
            caption="Audit log"
            columns={columns}
            rows={entries}
            rowId={(e) => e.id}
            pageSize={50}
            empty={<EmptyState title="No changes recorded yet." />}
            more={
              log.hasNextPage
                ? {
                    label: 'Load older changes',
                    onMore: () => log.fetchNextPage(),
                    loading: log.isFetchingNextPage,
                  }
                : null
            }
          />
        )}
      </Section>
    </SettingsPage>
  );
}
