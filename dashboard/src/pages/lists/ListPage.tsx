// One list: its members with their status (and the email that led each unsubscribe), adding contacts found
// by search, and importing a CSV into it with a progress bar and the rows it rejected.
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useLocation } from 'wouter';
import { api, data } from '../../api/client';
import { useCanWrite } from '../../api/session';
import { inApp } from '../../ui/app-path';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { type Column, DataTable } from '../../ui/DataTable';
import { EmptyState } from '../../ui/EmptyState';
import { ErrorState } from '../../ui/ErrorState';
import { FormError, SelectField, TextField } from '../../ui/fields';
import { formatNumber } from '../../ui/format';
import { Loading } from '../../ui/NotFound';
import { formatDateTime, Page, Section } from '../../ui/Page';
import { contactName } from '../contacts/contact-names';
import { ImportCsv } from './ImportCsv';

interface Member {
  contactId: string;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  status: 'subscribed' | 'unsubscribed';
  source: string;
  addedAt: string;
  unsubscribedAt: string | null;
  unsubscribedSendId: string | null;
  unsubscribedSendSubject: string | null;
}

const columns: Column<Member>[] = [
  { id: 'name', header: 'Contact', cell: (m) => contactName(m) },
  { id: 'email', header: 'Email', cell: (m) => m.email ?? '—' },
  {
    id: 'status',
    header: 'Status',
    cell: (m) => <span className={m.status === 'subscribed' ? 'badge good' : 'badge bad'}>{m.status}</span>,
  },
  {
    id: 'why',
    header: 'Since',
    cell: (m) =>
      m.status === 'subscribed' ? (
        `${formatDateTime(m.addedAt)} (${m.source})`
      ) : (
        <>
          {m.unsubscribedAt ? formatDateTime(m.unsubscribedAt) : ''}
          {m.unsubscribedSendId ? (
            <>
              {' '}
              after “
              <Link href={inApp(`/emails/sends/${m.unsubscribedSendId}`)}>
                {m.unsubscribedSendSubject ?? 'a deleted email'}
              </Link>
              ”
            </>
          ) : null}
        </>
      ),
  },
];

function AddContacts({ listId }: { listId: string }) {
  const queryClient = useQueryClient();
  const [text, setText] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const q = text.trim();
  const found = useQuery({
    queryKey: ['contacts', { q, limit: 10 }],
    queryFn: () => data(api.GET('/api/contacts', { params: { query: { q, limit: 10, order: 'newest' } } })),
    enabled: q.length >= 2,
  });
  const add = useMutation({
    mutationFn: (contactIds: string[]) =>
      data(api.POST('/api/lists/{id}/members', { params: { path: { id: listId } }, body: { contactIds } })),
    onSuccess: (result) => {
      setMessage(
        `${result.added} added, ${result.already} already on the list, ${result.keptUnsubscribed} kept unsubscribed.`,
      );
      queryClient.invalidateQueries({ queryKey: ['list', listId] });
      queryClient.invalidateQueries({ queryKey: ['list-members', listId] });
    },
    onError: (thrown) => setError(thrown.message),
  });
  const matches = found.data?.contacts ?? [];
  return (
    <Section title="Add contacts">
      <TextField
        label="Find contacts"
        type="search"
        value={text}
        onChange={(event) => setText(event.target.value)}
        hint="At least two letters of a name, email, domain or company."
        autoComplete="off"
      />
      {q.length >= 2 && found.isSuccess ? (
        matches.length === 0 ? (
          <p>No contact matches.</p>
        ) : (
          <>
            <ul className="plain">
              {matches.map((c) => (
                <li key={c.id}>
                  <button type="button" onClick={() => add.mutate([c.id])} disabled={add.isPending}>
                    Add {contactName(c)}
                  </button>{' '}
                  <span className="as-of">{c.email}</span>
                </li>
              ))}
            </ul>
            {matches.length > 1 ? (
              <button
                type="button"
                className="primary"
                onClick={() => add.mutate(matches.map((c) => c.id))}
                disabled={add.isPending}
              >
                Add all {matches.length}
              </button>
            ) : null}
          </>
        )
      ) : null}
      {message ? (
        <p className="notice success" role="status">
          {message}
        </p>
      ) : null}
      <FormError error={error} />
    </Section>
  );
}

interface ListFacts {
  id: string;
  name: string;
  description: string | null;
  members: { subscribed: number; unsubscribed: number };
}

const plural = (n: number, one: string, many: string) => `${formatNumber(n)} ${n === 1 ? one : many}`;

/** Rename… and Delete… with their dialogs (sessions that may change email data). */
function ListActions({ list }: { list: ListFacts }) {
  const queryClient = useQueryClient();
  const [, navigate] = useLocation();
  const [renaming, setRenaming] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [name, setName] = useState(list.name);
  const [description, setDescription] = useState(list.description ?? '');
  const { subscribed, unsubscribed } = list.members;
  const members = subscribed + unsubscribed;
  return (
    <>
      <button
        type="button"
        onClick={() => {
          setName(list.name);
          setDescription(list.description ?? '');
          setRenaming(true);
        }}
      >
        Rename…
      </button>
      <button type="button" className="danger" onClick={() => setDeleting(true)}>
        Delete…
      </button>
      <ConfirmDialog
        open={renaming}
        title={`Rename “${list.name}”`}
        confirmLabel="Save"
        onConfirm={async () => {
          await data(
            api.PATCH('/api/lists/{id}', {
              params: { path: { id: list.id } },
              body: { name, description: description.trim() === '' ? null : description },
            }),
          );
          queryClient.invalidateQueries({ queryKey: ['list', list.id] });
          queryClient.invalidateQueries({ queryKey: ['lists'] });
        }}
        onClose={() => setRenaming(false)}
      >
        <TextField
          label="Name"
          value={name}
          onChange={(event) => setName(event.target.value)}
          maxLength={200}
          required
        />
        <TextField
          label="Description"
          value={description}
          onChange={(event) => setDescription(event.target.value)}
          maxLength={2000}
          hint="Optional."
        />
      </ConfirmDialog>
      <ConfirmDialog
        open={deleting}
        title={`Delete the list “${list.name}”?`}
        confirmLabel={
          members === 0
            ? 'Delete the list'
            : `Delete the list and ${plural(members, 'membership', 'memberships')}`
        }
        danger
        onConfirm={async () => {
          await data(api.DELETE('/api/lists/{id}', { params: { path: { id: list.id } } }));
          queryClient.removeQueries({ queryKey: ['list', list.id] });
          queryClient.invalidateQueries({ queryKey: ['lists'] });
          queryClient.invalidateQueries({ queryKey: ['contact-lists'] });
          navigate('/', { replace: true });
        }}
        onClose={() => setDeleting(false)}
      >
        <p>
          It has {plural(subscribed, 'subscribed member', 'subscribed members')} and{' '}
          {plural(unsubscribed, 'unsubscribed member', 'unsubscribed members')}. Deleting it removes the list
          and every membership, with the record of who unsubscribed from it; the contacts themselves stay.
          This cannot be undone.
        </p>
        <p>
          Sends that have finished keep their recipients and insights. Forms that add people to this list stop
          doing so. While a send to it is queued or under way, Spoor refuses: wait until it finishes or cancel
          it.
        </p>
      </ConfirmDialog>
    </>
  );
}

export function ListPage({ id }: { id: string }) {
  const canWrite = useCanWrite('email');
  const [status, setStatus] = useState<'' | 'subscribed' | 'unsubscribed'>('');
  const list = useQuery({
    queryKey: ['list', id],
    queryFn: () => data(api.GET('/api/lists/{id}', { params: { path: { id } } })),
  });
  const members = useInfiniteQuery({
    queryKey: ['list-members', id, status],
    queryFn: ({ pageParam }) =>
      data(
        api.GET('/api/lists/{id}/members', {
          params: {
            path: { id },
            query: { limit: 100, ...(status ? { status } : {}), ...(pageParam ? { cursor: pageParam } : {}) },
          },
        }),
      ),
    initialPageParam: '',
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  if (list.isPending) return <Loading />;
  if (list.isError) return <ErrorState error={list.error} retry={() => list.refetch()} />;
  const rows = (members.data?.pages ?? []).flatMap((page) => page.members) as Member[];
  return (
    <Page
      title={list.data.name}
      description={
        <>
          {formatNumber(list.data.members.subscribed)} subscribed ·{' '}
          {formatNumber(list.data.members.unsubscribed)} unsubscribed
          {list.data.description ? ` · ${list.data.description}` : ''}
        </>
      }
      actions={canWrite ? <ListActions list={list.data} /> : null}
    >
      <Section title="Members">
        <SelectField
          label="Status"
          value={status}
          onChange={(event) => setStatus(event.target.value as typeof status)}
          options={[
            { value: '', label: 'Everyone' },
            { value: 'subscribed', label: 'Subscribed' },
            { value: 'unsubscribed', label: 'Unsubscribed' },
          ]}
        />
        {members.isPending ? (
          <Loading />
        ) : members.isError ? (
          <ErrorState error={members.error} retry={() => members.refetch()} />
        ) : (
          <DataTable
            caption="Members"
            columns={columns}
            rows={rows}
            rowId={(m) => m.contactId}
            rowHref={(m) => inApp(`/contacts/${m.contactId}`)}
            pageSize={500}
            empty={<EmptyState title="No members yet." />}
            more={
              members.hasNextPage
                ? { onMore: () => members.fetchNextPage(), loading: members.isFetchingNextPage }
                : null
            }
          />
        )}
      </Section>
      {canWrite ? (
        <div className="contact-grid">
          <AddContacts listId={id} />
          <ImportCsv listId={id} />
        </div>
      ) : null}
    </Page>
  );
}
