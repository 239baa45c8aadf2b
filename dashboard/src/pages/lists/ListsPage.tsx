// Lists with their subscribed and unsubscribed counts; a new list (for sessions that may write email).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useLocation } from 'wouter';
import { api, data } from '../../api/client';
import { useCanWrite } from '../../api/session';
import { type Column, DataTable } from '../../ui/DataTable';
import { EmptyState } from '../../ui/EmptyState';
import { ErrorState } from '../../ui/ErrorState';
import { FormError, TextField } from '../../ui/fields';
import { formatNumber } from '../../ui/format';
import { Loading } from '../../ui/NotFound';
import { formatDateTime, Page, Section } from '../../ui/Page';

interface MailingList {
  id: string;
  name: string;
  description: string | null;
  members: { subscribed: number; unsubscribed: number };
  createdAt: string;
}

const columns: Column<MailingList>[] = [
  { id: 'name', header: 'List', value: (l) => l.name },
  {
    id: 'subscribed',
    header: 'Subscribed',
    numeric: true,
    value: (l) => l.members.subscribed,
    cell: (l) => formatNumber(l.members.subscribed),
  },
  {
    id: 'unsubscribed',
    header: 'Unsubscribed',
    numeric: true,
    value: (l) => l.members.unsubscribed,
    cell: (l) => formatNumber(l.members.unsubscribed),
  },
  { id: 'created', header: 'Created', value: (l) => l.createdAt, cell: (l) => formatDateTime(l.createdAt) },
];

function NewList() {
  const queryClient = useQueryClient();
  const [, navigate] = useLocation();
  const [error, setError] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: (body: { name: string; description?: string }) => data(api.POST('/api/lists', { body })),
    onSuccess: (list) => {
      queryClient.invalidateQueries({ queryKey: ['lists'] });
      navigate(`/${list.id}`);
    },
    onError: (thrown) => setError(thrown.message),
  });
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const description = String(form.get('description') ?? '').trim();
    setError(null);
    create.mutate({ name: String(form.get('name') ?? '').trim(), ...(description ? { description } : {}) });
  }
  return (
    <Section title="New list">
      <form onSubmit={submit}>
        <TextField label="Name" name="name" required maxLength={200} />
        <TextField label="Description" name="description" maxLength={2000} hint="Optional." />
        <FormError error={error} />
        <button type="submit" className="primary" disabled={create.isPending}>
          Create list
        </button>
      </form>
    </Section>
  );
}

export function ListsPage() {
  const canWrite = useCanWrite('email');
  const lists = useQuery({ queryKey: ['lists'], queryFn: () => data(api.GET('/api/lists')) });
  return (
    <Page title="Lists">
      {lists.isPending ? (
        <Loading />
      ) : lists.isError ? (
        <ErrorState error={lists.error} retry={() => lists.refetch()} />
      ) : (
        <DataTable
          caption="Lists"
          columns={columns}
          rows={lists.data.lists as MailingList[]}
          rowId={(l) => l.id}
          rowHref={(l) => `/${l.id}`}
          empty={<EmptyState title="No lists yet." />}
        />
      )}
      {canWrite ? <NewList /> : null}
    </Page>
  );
}
