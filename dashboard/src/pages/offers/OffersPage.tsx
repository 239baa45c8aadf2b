// Offers with their window, state and claims; a new offer (for sessions that may write email).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useLocation } from 'wouter';
import { api, data, formProblems } from '../../api/client';
import type { paths } from '../../api/schema';
import { useCanWrite } from '../../api/session';
import { type Column, DataTable } from '../../ui/DataTable';
import { EmptyState } from '../../ui/EmptyState';
import { ErrorState } from '../../ui/ErrorState';
import { FormError, TextField } from '../../ui/fields';
import { formatNumber } from '../../ui/format';
import { Loading } from '../../ui/NotFound';
import { Page, Section } from '../../ui/Page';
import { CLOSED_STATE_URLS, STATE_BADGE, STATE_LABELS } from './offer-labels';

/** The fields the new-offer form marks when the API refuses one. */
const FORM_FIELDS = [
  'name',
  'claimUrl',
  'startsAt',
  'endsAt',
  'timeZone',
  'claimLimit',
  'perContactLimit',
  ...CLOSED_STATE_URLS.map(({ name }) => name),
];

type Offer = paths['/api/offers']['get']['responses'][200]['content']['application/json']['offers'][number];
type NewOfferBody = NonNullable<paths['/api/offers']['post']['requestBody']>['content']['application/json'];

const columns: Column<Offer>[] = [
  { id: 'name', header: 'Offer', value: (o) => o.name },
  {
    id: 'state',
    header: 'Now',
    value: (o) => o.state,
    cell: (o) => <span className={STATE_BADGE[o.state] ?? 'badge'}>{STATE_LABELS[o.state] ?? o.state}</span>,
  },
  {
    id: 'window',
    header: 'Valid',
    value: (o) => o.startsAtUtc,
    cell: (o) => `${o.startsAt.replace('T', ' ')} – ${o.endsAt.replace('T', ' ')} (${o.timeZone})`,
  },
  {
    id: 'claimed',
    header: 'Claimed',
    numeric: true,
    value: (o) => o.claimed,
    cell: (o) =>
      o.claimLimit === null
        ? formatNumber(o.claimed)
        : `${formatNumber(o.claimed)} of ${formatNumber(o.claimLimit)}`,
  },
];

/** The browser's own time zone, the likeliest one the marketer means. */
const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

function NewOffer() {
  const queryClient = useQueryClient();
  const [, navigate] = useLocation();
  const [error, setError] = useState<string | null>(null);
  const [fields, setFields] = useState<Record<string, string>>({});
  const create = useMutation({
    mutationFn: (body: NewOfferBody) => data(api.POST('/api/offers', { body })),
    onSuccess: (offer) => {
      queryClient.invalidateQueries({ queryKey: ['offers'] });
      navigate(`/${offer.id}`);
    },
    onError: (thrown) => {
      const problems = formProblems(thrown, FORM_FIELDS);
      setError(problems.summary);
      setFields(problems.fields);
    },
  });
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? '').trim();
    const optionalUrl = (name: string) => (text(name) === '' ? null : text(name));
    const limit = text('claimLimit');
    setError(null);
    setFields({});
    create.mutate({
      name: text('name'),
      claimUrl: text('claimUrl'),
      startsAt: text('startsAt'),
      endsAt: text('endsAt'),
      timeZone: text('timeZone'),
      claimLimit: limit === '' ? null : Number(limit),
      perContactLimit: Number(text('perContactLimit') || '1'),
      notStartedUrl: optionalUrl('notStartedUrl'),
      endedUrl: optionalUrl('endedUrl'),
      exhaustedUrl: optionalUrl('exhaustedUrl'),
      withdrawnUrl: optionalUrl('withdrawnUrl'),
    });
  }
  return (
    <Section title="New offer">
      <form onSubmit={submit} className="offer-form">
        <TextField label="Name" name="name" required maxLength={200} error={fields['name']} />
        <TextField
          label="Claim URL"
          name="claimUrl"
          type="url"
          required
          hint="Where a valid claim goes."
          error={fields['claimUrl']}
        />
        <TextField label="Starts" name="startsAt" type="datetime-local" required error={fields['startsAt']} />
        <TextField label="Ends" name="endsAt" type="datetime-local" required error={fields['endsAt']} />
        <TextField
          label="Time zone"
          name="timeZone"
          required
          defaultValue={browserZone()}
          hint="Start and end are read in this zone (an IANA name such as Europe/Paris)."
          error={fields['timeZone']}
        />
        <TextField
          label="Total claims"
          name="claimLimit"
          type="number"
          min={1}
          hint="Optional: no limit when empty."
          error={fields['claimLimit']}
        />
        <TextField
          label="Claims per contact"
          name="perContactLimit"
          type="number"
          min={1}
          defaultValue="1"
          error={fields['perContactLimit']}
        />
        {CLOSED_STATE_URLS.map(({ name, state }) => (
          <TextField
            key={name}
            label={`${STATE_LABELS[state]} URL`}
            name={name}
            type="url"
            hint="Optional: Spoor's own page when empty."
            error={fields[name]}
          />
        ))}
        <FormError error={error} />
        <button type="submit" className="primary" disabled={create.isPending}>
          Create offer
        </button>
      </form>
    </Section>
  );
}

export function OffersPage() {
  const canWrite = useCanWrite('email');
  const offers = useQuery({ queryKey: ['offers'], queryFn: () => data(api.GET('/api/offers')) });
  return (
    <Page
      title="Offers"
      description="Links that claim an offer for the recipient while it is valid, with exact limits."
    >
      {offers.isPending ? (
        <Loading />
      ) : offers.isError ? (
        <ErrorState error={offers.error} retry={() => offers.refetch()} />
      ) : (
        <DataTable
          caption="Offers"
          columns={columns}
          rows={offers.data.offers}
          rowId={(o) => o.id}
          rowHref={(o) => `/${o.id}`}
          empty={<EmptyState title="No offers yet." />}
        />
      )}
      {canWrite ? <NewOffer /> : null}
    </Page>
  );
}
