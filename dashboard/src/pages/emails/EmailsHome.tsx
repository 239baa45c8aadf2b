// Messages and sends, newest first.
import { useQuery } from '@tanstack/react-query';
import { Link } from 'wouter';
import { api, data } from '../../api/client';
import { useCanWrite } from '../../api/session';
import { DataTable } from '../../ui/DataTable';
import { ErrorState } from '../../ui/ErrorState';
import { formatNumber } from '../../ui/format';
import { formatDateTime, Page, Section } from '../../ui/Page';

interface MessageRow {
  id: string;
  name: string;
  subject: string;
  updatedAt: string;
}
interface SendRow {
  id: string;
  subject: string;
  status: string;
  createdAt: string;
  progress: { sent: number; recipients: number };
}

export function EmailsHome() {
  const canWrite = useCanWrite('email');
  const messages = useQuery({
    queryKey: ['messages'],
    queryFn: async () => (await data(api.GET('/api/messages'))) as { messages: MessageRow[] },
  });
  const sends = useQuery({
    queryKey: ['sends'],
    queryFn: async () =>
      (await data(api.GET('/api/sends', { params: { query: { limit: 100 } } }))) as { sends: SendRow[] },
  });
  return (
    <Page
      title="Emails"
      actions={
        canWrite ? (
          <Link href="/messages/new" className="button primary">
            New message
          </Link>
        ) : null
      }
    >
      <Section title="Messages">
        {messages.error ? <ErrorState error={messages.error} retry={() => messages.refetch()} /> : null}
        <DataTable
          caption="Messages"
          rows={messages.data?.messages ?? []}
          rowId={(m) => m.id}
          rowHref={(m) => `/messages/${m.id}`}
          columns={[
            { id: 'name', header: 'Name', value: (m) => m.name },
            { id: 'subject', header: 'Subject', value: (m) => m.subject },
            {
              id: 'updated',
              header: 'Changed',
              value: (m) => m.updatedAt,
              cell: (m) => formatDateTime(m.updatedAt),
            },
          ]}
        />
      </Section>
      <Section title="Sends">
        {sends.error ? <ErrorState error={sends.error} retry={() => sends.refetch()} /> : null}
        <DataTable
          caption="Sends"
          rows={sends.data?.sends ?? []}
          rowId={(s) => s.id}
          rowHref={(s) => `/sends/${s.id}`}
          initialSort={{ id: 'created', desc: true }}
          columns={[
            { id: 'subject', header: 'Subject', value: (s) => s.subject },
            { id: 'status', header: 'Status', value: (s) => s.status },
            {
              id: 'sent',
              header: 'Sent',
              numeric: true,
              value: (s) => s.progress.sent,
              cell: (s) => formatNumber(s.progress.sent),
            },
            {
              id: 'created',
              header: 'Created',
              value: (s) => s.createdAt,
              cell: (s) => formatDateTime(s.createdAt),
            },
          ]}
        />
      </Section>
    </Page>
  );
}
