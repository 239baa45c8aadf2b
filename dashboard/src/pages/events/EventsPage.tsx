// Events with their status, start (in each event's zone) and places; a new event (for sessions that may
// write email, the area events belong to).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useLocation } from 'wouter';
import { api, data } from '../../api/client';
import { useCanWrite } from '../../api/session';
import { type Column, DataTable } from '../../ui/DataTable';
import { EmptyState } from '../../ui/EmptyState';
import { ErrorState } from '../../ui/ErrorState';
import { FormError, TextField } from '../../ui/fields';
import { Loading } from '../../ui/NotFound';
import { Page, Section } from '../../ui/Page';
import { defaultText, type EventSummary, fieldErrors, shownTime } from './event-types';

export const STATUS_BADGE: Record<EventSummary['status'], string> = {
  draft: 'badge',
  published: 'badge good',
  cancelled: 'badge bad',
};

const columns: Column<EventSummary>[] = [
  { id: 'name', header: 'Event', value: (e) => defaultText(e.name, e.languages) },
  {
    id: 'status',
    header: 'Status',
    value: (e) => e.status,
    cell: (e) => <span className={STATUS_BADGE[e.status]}>{e.status}</span>,
  },
  {
    id: 'start',
    header: 'Starts',
    value: (e) => e.start,
    cell: (e) => `${shownTime(e.start)} (${e.timeZone})`,
  },
  {
    id: 'places',
    header: 'Places',
    numeric: true,
    value: (e) => e.capacity ?? -1,
    cell: (e) => (e.capacity === null ? `${e.taken} / no limit` : `${e.taken} / ${e.capacity}`),
  },
];

function NewEvent() {
  const queryClient = useQueryClient();
  const [, navigate] = useLocation();
  const [error, setError] = useState<unknown>(null);
  const create = useMutation({
    mutationFn: (body: Record<string, unknown>) => data(api.POST('/api/events', { body })),
    onSuccess: (event) => {
      queryClient.invalidateQueries({ queryKey: ['events'] });
      navigate(`/${event.id}`);
    },
    onError: (thrown) => setError(thrown),
  });
  const fields = fieldErrors(error);
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const languages = String(form.get('languages') ?? '')
      .split(/[\s,]+/)
      .filter(Boolean);
    const name = String(form.get('name') ?? '').trim();
    setError(null);
    create.mutate({
      // The one name for every language until the editor translates it.
      name: Object.fromEntries((languages.length ? languages : ['en']).map((code) => [code, name])),
      languages,
      timeZone: String(form.get('timeZone') ?? '').trim(),
      start: String(form.get('start') ?? ''),
      end: String(form.get('end') ?? ''),
    });
  }
  return (
    <Section title="New event">
      <form onSubmit={submit}>
        <TextField label="Name" name="name" required maxLength={200} error={fields['name']} />
        <TextField
          label="Languages"
          name="languages"
          defaultValue="en"
          required
          hint="Language codes, the default first (e.g. en, fr). The name stands for each until you translate it in the editor."
          error={fields['languages']}
        />
        <TextField
          label="Time zone"
          name="timeZone"
          required
          defaultValue={Intl.DateTimeFormat().resolvedOptions().timeZone}
          hint="An IANA name, e.g. Europe/Paris. Times below are in this zone."
          error={fields['timeZone']}
        />
        <TextField label="Starts" name="start" type="datetime-local" required error={fields['start']} />
        <TextField label="Ends" name="end" type="datetime-local" required error={fields['end']} />
        <FormError error={error ? (error as Error).message : null} />
        <button type="submit" className="primary" disabled={create.isPending}>
          Create event
        </button>
      </form>
    </Section>
  );
}

export function EventsPage() {
  const canWrite = useCanWrite('email');
  const events = useQuery({ queryKey: ['events'], queryFn: () => data(api.GET('/api/events')) });
  return (
    <Page
      title="Events"
      description="Public pages at /events once published; contacts sign in there by email."
    >
      {events.isPending ? (
        <Loading />
      ) : events.isError ? (
        <ErrorState error={events.error} retry={() => events.refetch()} />
      ) : (
        <DataTable
          caption="Events"
          columns={columns}
          rows={events.data.events}
          rowId={(e) => e.id}
          rowHref={(e) => `/${e.id}`}
          empty={<EmptyState title="No events yet." />}
        />
      )}
      {canWrite ? <NewEvent /> : null}
    </Page>
  );
}
