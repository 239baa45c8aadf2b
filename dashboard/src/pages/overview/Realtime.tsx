// "Visitors in the last 5 minutes", refreshed every 30 seconds while the page is open; on every website
// or on one.
import './overview.css';
import { useQuery } from '@tanstack/react-query';
import { api, data } from '../../api/client';
import { formatNumber } from '../../ui/format';

const REFRESH_MS = 30_000;

export function Realtime({ websiteId }: { websiteId?: string }) {
  const now = useQuery({
    queryKey: ['realtime', websiteId ?? 'all'],
    queryFn: () =>
      data(api.GET('/api/overview/realtime', { params: { query: websiteId ? { websiteId } : {} } })),
    refetchInterval: REFRESH_MS,
  });
  const visitors = now.data?.visitors;
  return (
    <div className="stat realtime" aria-live="polite" aria-busy={now.isPending}>
      <p className="stat-label">
        <span className="live-dot" aria-hidden="true" /> Visitors in the last {now.data?.windowMinutes ?? 5}{' '}
        minutes
      </p>
      <p className="stat-value" data-testid="realtime-visitors">
        {visitors === undefined ? '…' : formatNumber(visitors)}
      </p>
      <p className="stat-change">
        {now.isError
          ? 'Could not be read just now.'
          : now.data
            ? `${formatNumber(now.data.pageviews)} page views${now.data.anonymousPageviews ? `, ${formatNumber(now.data.anonymousPageviews)} without consent` : ''}; updated every 30 s`
            : 'Reading…'}
      </p>
    </div>
  );
}
