// The suppression list: every address not emailed while its suppression is in force, in address order,
// 100 at a time; a search finds one address. Each row names the reason, since and until when, which
// listing it is and the contact, and links to the address's history. Lifting is for sessions that may
// change email (analysts see no button; the API refuses them too).
import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link, useSearchParams } from 'wouter';
import { api, data } from '../../api/client';
import { useCanWrite } from '../../api/session';
import { inApp } from '../../ui/app-path';
import { type Column, DataTable } from '../../ui/DataTable';
import { EmptyState } from '../../ui/EmptyState';
import { ErrorState } from '../../ui/ErrorState';
import { TextField } from '../../ui/fields';
import { Loading } from '../../ui/NotFound';
import { formatDateTime, Page } from '../../ui/Page';
import { categoryLabel, labelOf, SUPPRESSION_REASON_LABELS } from '../emails/outcome-labels';
import { COMPLAINT_IS_PERMANENT, LiftDialog } from './LiftDialog';
import { suppressionHref, untilText } from './suppression-text';

interface Row {
  email: string;
  contactId: string | null;
  reason: string;
  category: string | null;
  createdAt: string;
  until: string | null;
  listing: number;
}

export function SuppressionsPage() {
  const [params, setParams] = useSearchParams();
  const email = params.get('email') ?? '';
  const [text, setText] = useState(email);
  const canLift = useCanWrite('email');
  const [lifting, setLifting] = useState<string | null>(null);
  const [lifted, setLifted] = useState<string | null>(null);

  const suppressions = useInfiniteQuery({
    queryKey: ['suppressions', email],
    queryFn: ({ pageParam }) =>
      data(
        api.GET('/api/suppressions', {
          params: {
            query: { limit: 100, ...(email ? { email } : {}), ...(pageParam ? { cursor: pageParam } : {}) },
          },
        }),
      ),
    initialPageParam: '',
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });

  const search = (event: FormEvent) => {
    event.preventDefault();
    const address = text.trim();
    setParams(address ? { email: address } : {}, { replace: true });
  };

  const columns: Column<Row>[] = [
    { id: 'email', header: 'Address', cell: (s) => s.email },
    {
      id: 'reason',
      header: 'Reason',
      cell: (s) => (
        <>
          {labelOf(SUPPRESSION_REASON_LABELS, s.reason)}
          {s.category && s.category !== 'complaint' ? (
            <span className="as-of"> · {categoryLabel(s.category)}</span>
          ) : null}
        </>
      ),
    },
    { id: 'since', header: 'Since', cell: (s) => formatDateTime(s.createdAt) },
    { id: 'until', header: 'Until', cell: (s) => untilText(s.until) },
    {
      id: 'listing',
      header: 'Listings',
      numeric: true,
      cell: (s) => (s.reason === 'complaint' ? '—' : s.listing),
    },
    {
      id: 'contact',
      header: 'Contact',
      cell: (s) =>
        s.contactId ? (
          <Link href={inApp(`/contacts/${s.contactId}`)} aria-label={`Contact ${s.email}`}>
            Contact
          </Link>
        ) : (
          '—'
        ),
    },
  ];
  if (canLift)
    columns.push({
      id: 'actions',
      header: 'Actions',
      cell: (s) =>
        s.reason === 'complaint' ? (
          <span className="as-of" title={COMPLAINT_IS_PERMANENT}>
            Permanent: a complaint
          </span>
        ) : (
          <button type="button" onClick={() => setLifting(s.email)} aria-label={`Lift ${s.email}`}>
            Lift…
          </button>
        ),
    });

  const rows = (suppressions.data?.pages ?? []).flatMap((page) => page.suppressions) as Row[];
  return (
    <Page
      title="Suppression list"
      description="Addresses Spoor does not email while suppressed: hard bounces for 7, 14, 30, then 180 days with each repeat; soft bounces when too many recent sends soft-bounced; complaints for good."
    >
      <search>
        <form className="suppression-search" onSubmit={search}>
          <TextField
            label="Find an address"
            type="search"
            value={text}
            onChange={(event) => setText(event.target.value)}
            hint="The whole address, e.g. ann@shop.example."
            autoComplete="off"
          />
          <div className="filter-actions">
            <button type="submit">Find</button>
            {email ? (
              <button
                type="button"
                onClick={() => {
                  setText('');
                  setParams({}, { replace: true });
                }}
              >
                Show every address
              </button>
            ) : null}
          </div>
        </form>
      </search>
      {lifted ? (
        <p className="notice success" role="status">
          The suppression of {lifted} is lifted: later sends attempt the address.
        </p>
      ) : null}
      {suppressions.isPending ? (
        <Loading />
      ) : suppressions.isError ? (
        <ErrorState error={suppressions.error} retry={() => suppressions.refetch()} />
      ) : (
        <DataTable
          caption="Suppressed addresses, in address order"
          columns={columns}
          rows={rows}
          rowId={(s) => s.email}
          rowHref={(s) => suppressionHref(s.email)}
          pageSize={500}
          empty={
            <EmptyState title={email ? `${email} is not suppressed.` : 'No address is suppressed.'}>
              {email ? (
                <p>
                  It may be emailed. <Link href={suppressionHref(email)}>See its history</Link>, if it has
                  one.
                </p>
              ) : (
                <p>Addresses appear here when they hard-bounce, keep soft-bouncing or complain.</p>
              )}
            </EmptyState>
          }
          more={
            suppressions.hasNextPage
              ? {
                  onMore: () => suppressions.fetchNextPage(),
                  loading: suppressions.isFetchingNextPage,
                  label: 'Show more addresses',
                }
              : null
          }
        />
      )}
      <LiftDialog email={lifting} onClose={() => setLifting(null)} onLifted={setLifted} />
    </Page>
  );
}
