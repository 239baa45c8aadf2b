// One contact: their fields, email permissions and consent, lists, browsers, and the timeline of every
// interaction (emails sent included); export (a JSON download) and erase (after a confirmation).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { Link, useLocation } from 'wouter';
import { api, data } from '../../api/client';
import { useCanRead, useCanWrite } from '../../api/session';
import { inApp } from '../../ui/app-path';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { ErrorState } from '../../ui/ErrorState';
import { Loading } from '../../ui/NotFound';
import { formatDateTime, Page, Section } from '../../ui/Page';
import { ScorePanel } from '../scoring/ScorePanel';
import { ContactEditForm } from './ContactEditForm';
import { STANDARD_FIELDS, useContactFields } from './contact-fields';
import { contactName } from './contact-names';
import { Timeline } from './Timeline';

function Lists({ id }: { id: string }) {
  const lists = useQuery({
    queryKey: ['contact-lists', id],
    queryFn: () => data(api.GET('/api/contacts/{id}/lists', { params: { path: { id } } })),
  });
  if (lists.isPending) return <Loading />;
  if (lists.isError) return <ErrorState error={lists.error} />;
  if (lists.data.lists.length === 0) return <p>On no list.</p>;
  return (
    <ul className="plain">
      {lists.data.lists.map((m) => (
        <li key={m.listId}>
          <Link href={inApp(`/lists/${m.listId}`)}>{m.listName}</Link>:{' '}
          {m.status === 'subscribed'
            ? `subscribed since ${formatDateTime(m.addedAt)} (${m.source})`
            : `unsubscribed ${m.unsubscribedAt ? formatDateTime(m.unsubscribedAt) : ''}`}
        </li>
      ))}
    </ul>
  );
}

function Browsers({ id }: { id: string }) {
  const browsers = useQuery({
    queryKey: ['contact-browsers', id],
    queryFn: () => data(api.GET('/api/contacts/{id}/browsers', { params: { path: { id } } })),
  });
  if (browsers.isPending) return <Loading />;
  if (browsers.isError) return <ErrorState error={browsers.error} />;
  if (browsers.data.browsers.length === 0) return <p>No browser is known to be theirs.</p>;
  return (
    <ul className="plain">
      {browsers.data.browsers.map((b) => (
        <li key={b.id}>
          <code>{b.id}</code>: first seen {formatDateTime(b.firstSeenAt)}, last seen{' '}
          {formatDateTime(b.lastSeenAt)}
        </li>
      ))}
    </ul>
  );
}

export function ContactPage({ id }: { id: string }) {
  const [, navigate] = useLocation();
  const queryClient = useQueryClient();
  const canErase = useCanWrite('tracking');
  const canEdit = useCanWrite('contacts');
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState(false);
  const editButton = useRef<HTMLButtonElement>(null);
  const returnFocus = useRef(false);
  // Leaving the form (saved or cancelled), the focus goes back to Edit, where it came from.
  useEffect(() => {
    if (editing || !returnFocus.current) return;
    returnFocus.current = false;
    editButton.current?.focus();
  }, [editing]);
  const fields = useContactFields();
  const canReadEmail = useCanRead('email');
  const [erasing, setErasing] = useState(false);
  const contact = useQuery({
    queryKey: ['contact', id],
    queryFn: () => data(api.GET('/api/contacts/{id}', { params: { path: { id } } })),
  });
  const erase = useMutation({
    mutationFn: () => data(api.DELETE('/api/contacts/{id}', { params: { path: { id } } })),
    onSuccess: () => {
      queryClient.invalidateQueries({ queryKey: ['contacts'] });
      navigate('/', { replace: true });
    },
  });

  if (contact.isPending) return <Loading />;
  if (contact.isError) return <ErrorState error={contact.error} retry={() => contact.refetch()} />;
  const c = contact.data;
  const name = contactName(c);
  const custom = Object.entries(c.custom);
  const labelOf = (key: string) => fields.data?.find((field) => field.key === key)?.label ?? key;
  const doneEditing = (didSave: boolean) => {
    returnFocus.current = true;
    setEditing(false);
    setSaved(didSave);
  };

  return (
    <Page
      title={name}
      description={
        <>
          Contact since {formatDateTime(c.createdAt)} · changed {formatDateTime(c.updatedAt)}
        </>
      }
      actions={
        <>
          {canEdit && !editing ? (
            <button
              type="button"
              ref={editButton}
              onClick={() => {
                setSaved(false);
                setEditing(true);
              }}
            >
              Edit
            </button>
          ) : null}
          <a className="button" href={`/api/contacts/${encodeURIComponent(id)}/export`} download>
            Export (JSON)
          </a>
          {canErase ? (
            <button type="button" className="danger" onClick={() => setErasing(true)}>
              Erase…
            </button>
          ) : null}
        </>
      }
    >
      {editing ? (
        <Section title="Edit fields">
          {fields.isPending ? (
            <Loading />
          ) : fields.isError ? (
            <ErrorState error={fields.error} retry={() => fields.refetch()} />
          ) : (
            <ContactEditForm contact={c} fields={fields.data} onDone={doneEditing} />
          )}
        </Section>
      ) : null}
      <div className="contact-grid">
        {editing ? null : (
          <Section title="Fields">
            {saved ? (
              <p className="notice success" role="status">
                Changes saved.
              </p>
            ) : null}
            <dl className="values">
              {STANDARD_FIELDS.map(([key, label]) => (
                <div key={key}>
                  <dt>{label}</dt>
                  <dd>{c[key] ?? '—'}</dd>
                </div>
              ))}
              {custom.map(([key, value]) => (
                <div key={`custom-${key}`}>
                  <dt>{labelOf(key)}</dt>
                  <dd>{value === null ? '—' : String(value)}</dd>
                </div>
              ))}
            </dl>
          </Section>
        )}
        <Section title="Consent and permissions">
          <dl className="values">
            <div>
              <dt>Marketing email</dt>
              <dd>{c.doNotEmail ? 'Do not email' : 'Allowed'}</dd>
            </div>
            <div>
              <dt>Email open and click tracking</dt>
              <dd>
                {c.emailTracking === null ? "The install's default" : c.emailTracking ? 'Allowed' : 'Refused'}
              </dd>
            </div>
            <div>
              <dt>Remember me (form prefill)</dt>
              <dd>{c.prefillAllowed ? 'Chosen' : 'Not chosen'}</dd>
            </div>
          </dl>
          <p className="as-of">
            Consents given in forms show with each submission in the timeline, as does every list joined or
            left (how, after which email, with which wording).
          </p>
        </Section>
        {canReadEmail ? (
          <Section title="Lists">
            <Lists id={id} />
          </Section>
        ) : null}
        <Section title="Browsers">
          <Browsers id={id} />
        </Section>
      </div>
      <ScorePanel contactId={id} />
      <Section title="Timeline">
        <Timeline contactId={id} />
      </Section>
      <ConfirmDialog
        open={erasing}
        title={`Erase ${name}?`}
        confirmLabel="Erase for good"
        danger
        onConfirm={async () => {
          await erase.mutateAsync();
        }}
        onClose={() => setErasing(false)}
      >
        <p>
          Their fields, form submissions, visits and page views, browsers, email events and list memberships
          are deleted in one go. This cannot be undone; export first if you need a copy.
        </p>
      </ConfirmDialog>
    </Page>
  );
}
