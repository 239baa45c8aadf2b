// Contacts: search as you type (prefixes of email, domain, names, company), filters kept in the address
// (list membership, visited recently, bounced, unsubscribed) and pages loaded on demand (keyset cursor).
import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'wouter';
import { api, data } from '../../api/client';
import { useCanRead } from '../../api/session';
import { type Column, DataTable } from '../../ui/DataTable';
import { EmptyState } from '../../ui/EmptyState';
import { ErrorState } from '../../ui/ErrorState';
import { CheckboxField, SelectField, TextField } from '../../ui/fields';
import { Loading } from '../../ui/NotFound';
import { formatDateTime, Page } from '../../ui/Page';
import { contactName } from './contact-names';

interface ContactRow {
  id: string;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  company: string | null;
  doNotEmail: boolean;
  createdAt: string;
}

const VISITED = [
  { value: '', label: 'Any time or never' },
  { value: '1', label: 'Visited in the last day' },
  { value: '7', label: 'Visited in the last 7 days' },
  { value: '30', label: 'Visited in the last 30 days' },
];

/** The search box's text, settled: a request per pause in typing, not per key. */
function useSettled(value: string, ms = 250): string {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

const columns: Column<ContactRow>[] = [
  { id: 'name', header: 'Name', cell: (c) => contactName(c) },
  { id: 'email', header: 'Email', cell: (c) => c.email ?? '—' },
  { id: 'company', header: 'Company', cell: (c) => c.company ?? '—' },
  { id: 'created', header: 'Created', cell: (c) => formatDateTime(c.createdAt) },
];

export function ContactsList() {
  const [params, setParams] = useSearchParams();
  const [text, setText] = useState(params.get('q') ?? '');
  const q = useSettled(text.trim());
  const list = params.get('list') ?? '';
  const visited = params.get('visited') ?? '';
  const bounced = params.get('bounced') === '1';
  const unsubscribed = params.get('unsubscribed') === '1';
  const canReadLists = useCanRead('email');

  const set = (key: string, value: string | null) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        if (value) next.set(key, value);
        else next.delete(key);
        return next;
      },
      { replace: true },
    );
  // The settled search goes into the address (shareable, kept on back); `set` is remade every render.
  // biome-ignore lint/correctness/useExhaustiveDependencies: only a new search should write the address.
  useEffect(() => set('q', q || null), [q]);

  const lists = useQuery({
    queryKey: ['lists'],
    queryFn: () => data(api.GET('/api/lists')),
    enabled: canReadLists,
  });
  // The instant is fixed per choice, so the query (and its cache) does not change every render.
  const [visitedSince, setVisitedSince] = useState<string | undefined>();
  useEffect(() => {
    setVisitedSince(visited ? new Date(Date.now() - Number(visited) * 86_400_000).toISOString() : undefined);
  }, [visited]);

  const query = {
    order: 'newest' as const,
    limit: 50,
    ...(q ? { q } : {}),
    ...(list ? { list } : {}),
    ...(visitedSince ? { visitedSince } : {}),
    ...(bounced ? { bounced: true } : {}),
    ...(unsubscribed ? { unsubscribed: true } : {}),
  };
  const contacts = useInfiniteQuery({
    queryKey: ['contacts', query],
    queryFn: ({ pageParam }) =>
      data(
        api.GET('/api/contacts', {
          params: { query: { ...query, ...(pageParam ? { cursor: pageParam } : {}) } },
        }),
      ),
    initialPageParam: '',
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
  const rows = (contacts.data?.pages ?? []).flatMap((page) => page.contacts) as ContactRow[];
  const filtered = Boolean(q || list || visited || bounced || unsubscribed);

  return (
    <Page
      title="Contacts"
      description="Newest first. Search matches the start of a name, email, domain or company."
      actions={
        <Link className="button" href="/fields">
          Contact fields
        </Link>
      }
    >
      <search className="filters">
        <TextField
          label="Search"
          type="search"
          value={text}
          onChange={(event) => setText(event.target.value)}
          placeholder="ann, ann@shop.example, @shop.example"
          autoComplete="off"
        />
        {canReadLists ? (
          <SelectField
            label="List"
            value={list}
            onChange={(event) => set('list', event.target.value || null)}
            options={[
              { value: '', label: 'Any list or none' },
              ...(lists.data?.lists ?? []).map((l) => ({ value: l.id, label: l.name })),
            ]}
          />
        ) : null}
        <SelectField
          label="Identified visits"
          value={visited}
          onChange={(event) => set('visited', event.target.value || null)}
          options={VISITED}
        />
        <fieldset className="field">
          <legend>Email</legend>
          <CheckboxField
            label="Has bounced"
            checked={bounced}
            onChange={(event) => set('bounced', event.target.checked ? '1' : null)}
          />
          <CheckboxField
            label="Unsubscribed from a list"
            checked={unsubscribed}
            onChange={(event) => set('unsubscribed', event.target.checked ? '1' : null)}
          />
        </fieldset>
      </search>
      {contacts.isPending ? (
        <Loading />
      ) : contacts.isError ? (
        <ErrorState error={contacts.error} retry={() => contacts.refetch()} />
      ) : (
        <DataTable
          caption="Contacts"
          columns={columns}
          rows={rows}
          rowId={(c) => c.id}
          rowHref={(c) => `/${c.id}`}
          pageSize={500}
          empty={
            <EmptyState title={filtered ? 'No contact matches.' : 'No contacts yet.'}>
              {filtered ? (
                <p>Try fewer letters or another filter.</p>
              ) : (
                <p>Contacts come from forms, imports and the API.</p>
              )}
            </EmptyState>
          }
          more={
            contacts.hasNextPage
              ? {
                  onMore: () => contacts.fetchNextPage(),
                  loading: contacts.isFetchingNextPage,
                  label: 'Show more contacts',
                }
              : null
          }
        />
      )}
    </Page>
  );
}
