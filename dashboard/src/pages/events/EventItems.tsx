// An event's sessions and passes in its editor: each one's form (open it to change it), a form to add one,
// and deleting. Times are wall times in the event's zone; texts per language (the default one required).
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, type ReactNode, useState } from 'react';
import { api, data } from '../../api/client';
import { CheckboxField, FormError, TextAreaField, TextField } from '../../ui/fields';
import { Section } from '../../ui/Page';
import {
  defaultText,
  type EventDoc,
  type EventPass,
  type EventSession,
  fieldErrors,
  localized,
  optionalNumber,
  shownTime,
  wall,
} from './event-types';

/** Name (and description) fields per language of the event. */
export function LocalizedFields({
  prefix,
  languages,
  name,
  description,
  errors,
}: {
  prefix: string;
  languages: readonly string[];
  name?: Record<string, string>;
  description?: Record<string, string>;
  errors: Record<string, string>;
}) {
  return (
    <div className="event-languages">
      {languages.map((code, i) => (
        <div key={code}>
          <TextField
            label={`Name (${code})`}
            name={`name.${code}`}
            id={`${prefix}-name-${code}`}
            defaultValue={name?.[code] ?? ''}
            maxLength={200}
            required={i === 0}
            error={i === 0 ? errors['name'] : undefined}
          />
          <TextAreaField
            label={`Description (${code})`}
            name={`description.${code}`}
            id={`${prefix}-description-${code}`}
            defaultValue={description?.[code] ?? ''}
            rows={3}
            maxLength={5000}
          />
        </div>
      ))}
    </div>
  );
}

function useEventChange(eventId: string) {
  const queryClient = useQueryClient();
  const [error, setError] = useState<unknown>(null);
  return {
    error,
    setError,
    done: (event: EventDoc) => {
      queryClient.setQueryData(['event', eventId], event);
      queryClient.invalidateQueries({ queryKey: ['events'] });
      setError(null);
    },
  };
}

/**
 * The form of a session or a pass (adding one when `item` is absent): its names and descriptions in the
 * event's languages, its own fields, its capacity, and the save, whose refusals show at their fields.
 */
function ItemForm(props: {
  event: EventDoc;
  noun: 'session' | 'pass';
  item?: Pick<EventSession, 'id' | 'name' | 'description' | 'capacity'>;
  /** POST (a new item) or PATCH (this one). */
  send: (body: Record<string, unknown>) => Promise<EventDoc>;
  /** The item's own values from the posted form (names, descriptions and capacity are added). */
  values: (form: FormData) => Record<string, unknown>;
  /** The item's own fields, given the id prefix and the field errors. */
  children: (prefix: string, errors: Record<string, string>) => ReactNode;
}) {
  const { event, noun, item } = props;
  const change = useEventChange(event.id);
  const save = useMutation({
    mutationFn: props.send,
    onSuccess: change.done,
    onError: change.setError,
  });
  const errors = fieldErrors(change.error);
  const prefix = item ? `${noun}-${item.id}` : `new-${noun}`;
  function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    save.mutate({
      name: localized(form, 'name', event.languages),
      description: localized(form, 'description', event.languages),
      ...props.values(form),
      capacity: optionalNumber(form.get('capacity')),
    });
    if (!item) e.currentTarget.reset();
  }
  return (
    <form onSubmit={submit}>
      <LocalizedFields
        prefix={prefix}
        languages={event.languages}
        name={item?.name}
        description={item?.description}
        errors={errors}
      />
      {props.children(prefix, errors)}
      <TextField
        label="Capacity"
        id={`${prefix}-capacity`}
        name="capacity"
        type="number"
        min={1}
        hint="Empty: no limit."
        defaultValue={item?.capacity ?? ''}
        error={errors['capacity']}
      />
      <FormError error={change.error ? (change.error as Error).message : null} />
      <button type="submit" className="primary" disabled={save.isPending}>
        {item ? `Save ${noun}` : `Add ${noun}`}
      </button>
    </form>
  );
}

function SessionForm({ event, session }: { event: EventDoc; session?: EventSession }) {
  return (
    <ItemForm
      event={event}
      noun="session"
      {...(session ? { item: session } : {})}
      send={(body) =>
        session
          ? data(
              api.PATCH('/api/events/{id}/sessions/{sessionId}', {
                params: { path: { id: event.id, sessionId: session.id } },
                body,
              }),
            )
          : data(api.POST('/api/events/{id}/sessions', { params: { path: { id: event.id } }, body }))
      }
      values={(form) => ({
        start: String(form.get('start') ?? ''),
        end: String(form.get('end') ?? ''),
        room: String(form.get('room') ?? '').trim() || null,
        speakers: String(form.get('speakers') ?? '')
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      })}
    >
      {(prefix, errors) => (
        <>
          <TextField
            label={`Starts (${event.timeZone})`}
            id={`${prefix}-start`}
            name="start"
            type="datetime-local"
            required
            defaultValue={wall(session?.start ?? event.start)}
            error={errors['start']}
          />
          <TextField
            label={`Ends (${event.timeZone})`}
            id={`${prefix}-end`}
            name="end"
            type="datetime-local"
            required
            defaultValue={wall(session?.end ?? event.end)}
            error={errors['end']}
          />
          <TextField
            label="Room"
            id={`${prefix}-room`}
            name="room"
            maxLength={200}
            defaultValue={session?.room ?? ''}
          />
          <TextField
            label="Speakers"
            id={`${prefix}-speakers`}
            name="speakers"
            hint="Names, separated by commas."
            defaultValue={session?.speakers.join(', ') ?? ''}
          />
        </>
      )}
    </ItemForm>
  );
}

function PassForm({ event, pass }: { event: EventDoc; pass?: EventPass }) {
  return (
    <ItemForm
      event={event}
      noun="pass"
      {...(pass ? { item: pass } : {})}
      send={(body) =>
        pass
          ? data(
              api.PATCH('/api/events/{id}/passes/{passId}', {
                params: { path: { id: event.id, passId: pass.id } },
                body,
              }),
            )
          : data(api.POST('/api/events/{id}/passes', { params: { path: { id: event.id } }, body }))
      }
      values={(form) => ({ sessionIds: form.getAll('sessionIds').map(String) })}
    >
      {(prefix) =>
        event.sessions.length > 0 ? (
          <fieldset className="event-checks">
            <legend>Sessions it opens</legend>
            {event.sessions.map((s) => (
              <CheckboxField
                key={s.id}
                id={`${prefix}-session-${s.id}`}
                name="sessionIds"
                value={s.id}
                label={`${defaultText(s.name, event.languages)} (${shownTime(s.start)})`}
                defaultChecked={pass?.sessionIds.includes(s.id) ?? false}
              />
            ))}
          </fieldset>
        ) : null
      }
    </ItemForm>
  );
}

function DeleteButton({ label, run }: { label: string; run: () => Promise<unknown> }) {
  const [error, setError] = useState<string | null>(null);
  return (
    <>
      <button type="button" className="danger" onClick={() => run().catch((e: Error) => setError(e.message))}>
        {label}
      </button>
      <FormError error={error} />
    </>
  );
}

/** A section listing an event's sessions or passes: each opens to its form and a delete button. */
function ItemsSection<T extends { id: string }>(props: {
  title: string;
  /** "session" or "pass": the words of the buttons and the empty state. */
  noun: string;
  items: readonly T[];
  canWrite: boolean;
  summary: (item: T) => ReactNode;
  meta: (item: T) => ReactNode;
  /** The form editing `item`, or adding one when absent. */
  form: (item?: T) => ReactNode;
  remove: (id: string) => Promise<unknown>;
}) {
  const { noun, canWrite } = props;
  return (
    <Section title={props.title}>
      {props.items.length === 0 ? <p>No {props.title.toLowerCase()} yet.</p> : null}
      {props.items.map((item) => (
        <details key={item.id} className="event-item">
          <summary>{props.summary(item)}</summary>
          <p className="as-of">{props.meta(item)}</p>
          {canWrite ? (
            <>
              {props.form(item)}
              <DeleteButton label={`Delete ${noun}`} run={() => props.remove(item.id)} />
            </>
          ) : null}
        </details>
      ))}
      {canWrite ? (
        <details className="event-item">
          <summary>Add a {noun}</summary>
          {props.form()}
        </details>
      ) : null}
    </Section>
  );
}

export function SessionsSection({ event, canWrite }: { event: EventDoc; canWrite: boolean }) {
  const queryClient = useQueryClient();
  return (
    <ItemsSection
      title="Sessions"
      noun="session"
      items={event.sessions}
      canWrite={canWrite}
      summary={(s) => (
        <>
          {defaultText(s.name, event.languages)} · {shownTime(s.start)} – {shownTime(s.end).slice(11)}
        </>
      )}
      meta={(s) =>
        [s.room, s.speakers.join(', '), s.capacity === null ? null : `${s.taken} / ${s.capacity} places`]
          .filter(Boolean)
          .join(' · ')
      }
      form={(s) => <SessionForm event={event} {...(s ? { session: s } : {})} />}
      remove={async (sessionId) => {
        await api.DELETE('/api/events/{id}/sessions/{sessionId}', {
          params: { path: { id: event.id, sessionId } },
        });
        await queryClient.invalidateQueries({ queryKey: ['event', event.id] });
      }}
    />
  );
}

export function PassesSection({ event, canWrite }: { event: EventDoc; canWrite: boolean }) {
  const queryClient = useQueryClient();
  return (
    <ItemsSection
      title="Passes"
      noun="pass"
      items={event.passes}
      canWrite={canWrite}
      summary={(p) => defaultText(p.name, event.languages)}
      meta={(p) =>
        `${p.capacity === null ? 'No limit' : `${p.taken} / ${p.capacity} places`} · opens ${
          p.sessionIds.length === 0 ? 'the event' : `${p.sessionIds.length} session(s)`
        }`
      }
      form={(p) => <PassForm event={event} {...(p ? { pass: p } : {})} />}
      remove={async (passId) => {
        await api.DELETE('/api/events/{id}/passes/{passId}', { params: { path: { id: event.id, passId } } });
        await queryClient.invalidateQueries({ queryKey: ['event', event.id] });
      }}
    />
  );
}
