// One event's editor: its details (times in its zone, texts per language), publishing, unpublishing and
// cancelling, and its sessions and passes.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link } from 'wouter';
import { api, data } from '../../api/client';
import { useCanWrite } from '../../api/session';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { ErrorState } from '../../ui/ErrorState';
import { FormError, TextField } from '../../ui/fields';
import { Loading } from '../../ui/NotFound';
import { Page, Section } from '../../ui/Page';
import { LocalizedFields, PassesSection, SessionsSection } from './EventItems';
import { STATUS_BADGE } from './EventsPage';
import { defaultText, type EventDoc, fieldErrors, localized, optionalNumber, wall } from './event-types';

function Details({ event, canWrite }: { event: EventDoc; canWrite: boolean }) {
  const queryClient = useQueryClient();
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const save = useMutation({
    mutationFn: (body: Record<string, unknown>) =>
      data(api.PATCH('/api/events/{id}', { params: { path: { id: event.id } }, body })),
    onSuccess: (next) => {
      queryClient.setQueryData(['event', event.id], next);
      queryClient.invalidateQueries({ queryKey: ['events'] });
      setError(null);
      setSaved(true);
    },
    onError: (thrown) => {
      setSaved(false);
      setError(thrown);
    },
  });
  const fields = fieldErrors(error);
  function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const languages = String(form.get('languages') ?? '')
      .split(/[\s,]+/)
      .filter(Boolean);
    const text = (name: string) => String(form.get(name) ?? '').trim();
    save.mutate({
      slug: text('slug'),
      languages,
      name: localized(form, 'name', event.languages),
      description: localized(form, 'description', event.languages),
      timeZone: text('timeZone'),
      start: text('start'),
      end: text('end'),
      venue: text('venue') || null,
      onlineUrl: text('onlineUrl') || null,
      capacity: optionalNumber(form.get('capacity')),
      registrationOpens: text('registrationOpens') || null,
      registrationCloses: text('registrationCloses') || null,
    });
  }
  const zone = event.timeZone;
  return (
    <Section title="Details">
      <form onSubmit={submit} key={event.updatedAt}>
        <fieldset disabled={!canWrite || event.status === 'cancelled'} className="event-checks">
          <LocalizedFields
            prefix="event"
            languages={event.languages}
            name={event.name}
            description={event.description}
            errors={fields}
          />
          <TextField
            label="Languages"
            name="languages"
            defaultValue={event.languages.join(', ')}
            hint="Codes, the default first. Add one, save, then fill in its name."
            error={fields['languages']}
          />
          <TextField
            label="Time zone"
            name="timeZone"
            defaultValue={zone}
            hint="IANA name; the times here are read in it."
            error={fields['timeZone']}
          />
          <TextField
            label={`Starts (${zone})`}
            name="start"
            type="datetime-local"
            defaultValue={wall(event.start)}
            error={fields['start']}
          />
          <TextField
            label={`Ends (${zone})`}
            name="end"
            type="datetime-local"
            defaultValue={wall(event.end)}
            error={fields['end']}
          />
          <TextField label="Venue" name="venue" maxLength={500} defaultValue={event.venue ?? ''} />
          <TextField
            label="Online link"
            name="onlineUrl"
            type="url"
            defaultValue={event.onlineUrl ?? ''}
            error={fields['onlineUrl']}
          />
          <TextField
            label="Capacity"
            name="capacity"
            type="number"
            min={1}
            hint="Empty: no limit."
            defaultValue={event.capacity ?? ''}
            error={fields['capacity']}
          />
          <TextField
            label={`Registration opens (${zone})`}
            name="registrationOpens"
            type="datetime-local"
            defaultValue={wall(event.registrationOpens)}
            error={fields['registrationOpens']}
          />
          <TextField
            label={`Registration closes (${zone})`}
            name="registrationCloses"
            type="datetime-local"
            defaultValue={wall(event.registrationCloses)}
            error={fields['registrationCloses']}
          />
          <TextField
            label="Address"
            name="slug"
            defaultValue={event.slug}
            hint="What follows /events/ in the public address."
            error={fields['slug']}
          />
          <FormError error={error ? (error as Error).message : null} />
          {saved ? <p role="status">Saved.</p> : null}
          {canWrite ? (
            <button type="submit" className="primary" disabled={save.isPending}>
              Save details
            </button>
          ) : null}
        </fieldset>
      </form>
    </Section>
  );
}

function StatusActions({ event }: { event: EventDoc }) {
  const queryClient = useQueryClient();
  const [confirmCancel, setConfirmCancel] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const act = async (action: 'publish' | 'unpublish' | 'cancel') => {
    const next = await data(api.POST(`/api/events/{id}/${action}`, { params: { path: { id: event.id } } }));
    queryClient.setQueryData(['event', event.id], next);
    queryClient.invalidateQueries({ queryKey: ['events'] });
  };
  const run = (action: 'publish' | 'unpublish') => act(action).catch((e: Error) => setError(e.message));
  if (event.status === 'cancelled') return null;
  return (
    <>
      {event.status === 'draft' ? (
        <button type="button" className="primary" onClick={() => run('publish')}>
          Publish
        </button>
      ) : (
        <button type="button" onClick={() => run('unpublish')}>
          Unpublish
        </button>
      )}
      <button type="button" className="danger" onClick={() => setConfirmCancel(true)}>
        Cancel event
      </button>
      <FormError error={error} />
      <ConfirmDialog
        open={confirmCancel}
        title="Cancel this event?"
        confirmLabel="Cancel the event"
        danger
        onConfirm={() => act('cancel')}
        onClose={() => setConfirmCancel(false)}
      >
        Its page will say it is cancelled; a cancelled event cannot be published again.
      </ConfirmDialog>
    </>
  );
}

export function EventPage({ id }: { id: string }) {
  const canWrite = useCanWrite('email');
  const event = useQuery({
    queryKey: ['event', id],
    queryFn: () => data(api.GET('/api/events/{id}', { params: { path: { id } } })),
  });
  if (event.isPending) return <Loading />;
  if (event.isError) return <ErrorState error={event.error} retry={() => event.refetch()} />;
  const e = event.data;
  return (
    <Page
      title={defaultText(e.name, e.languages)}
      description={
        <>
          <span className={STATUS_BADGE[e.status]}>{e.status}</span>{' '}
          {e.status === 'draft' ? (
            'Its page appears once published.'
          ) : (
            <a href={`/events/${e.slug}`}>Public page</a>
          )}{' '}
          · <Link href={`/${e.id}/check-in`}>Check-in</Link>·{' '}
          <Link href={`/${encodeURIComponent(e.id)}/insights`}>Insights</Link>
        </>
      }
      actions={canWrite ? <StatusActions event={e} /> : null}
    >
      <Details event={e} canWrite={canWrite} />
      <SessionsSection event={e} canWrite={canWrite} />
      <PassesSection event={e} canWrite={canWrite} />
    </Page>
  );
}
