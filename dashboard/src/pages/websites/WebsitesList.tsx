// Every registered website, each linking to its report, with the button to register another.
import { useQuery } from '@tanstack/react-query';
import { Link } from 'wouter';
import { api, data } from '../../api/client';
import { useCanWrite } from '../../api/session';
import { type Column, DataTable } from '../../ui/DataTable';
import { EmptyState } from '../../ui/EmptyState';
import { ErrorState } from '../../ui/ErrorState';
import { Loading } from '../../ui/NotFound';
import { formatDateTime, Page } from '../../ui/Page';
import type { Website } from './website';

export function WebsitesList() {
  const canWrite = useCanWrite('tracking');
  const websites = useQuery({ queryKey: ['websites'], queryFn: () => data(api.GET('/api/websites')) });
  const columns: Column<Website>[] = [
    { id: 'name', header: 'Name', value: (w) => w.name },
    { id: 'origins', header: 'Allowed origins', value: (w) => w.allowedOrigins.join(', ') },
    {
      id: 'created',
      header: 'Registered',
      value: (w) => w.createdAt,
      cell: (w) => formatDateTime(w.createdAt),
    },
    {
      id: 'settings',
      header: 'Settings',
      cell: (w) => <Link href={`/${w.id}/settings`}>Settings and snippets</Link>,
    },
  ];
  return (
    <Page
      title="Websites"
      actions={
        canWrite ? (
          <Link href="/new" className="button primary">
            Register a website
          </Link>
        ) : null
      }
    >
      {websites.isPending ? (
        <Loading />
      ) : websites.isError ? (
        <ErrorState error={websites.error} retry={() => websites.refetch()} />
      ) : (
        <DataTable
          caption="Websites"
          columns={columns}
          rows={websites.data.websites as Website[]}
          rowId={(w) => w.id}
          rowHref={(w) => `/${w.id}`}
          empty={
            <EmptyState title="No website is tracked yet.">
              {canWrite ? <p>Register one, then paste its snippet into your pages.</p> : null}
            </EmptyState>
          }
        />
      )}
    </Page>
  );
}
