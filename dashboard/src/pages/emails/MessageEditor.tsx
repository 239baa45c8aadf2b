// A message's editor: HTML and text templates with Liquid merge fields, the saved message previewed for a
// chosen contact in a sandboxed frame (the server serves it inert), the links that will be tracked, and
// sending to lists after a confirmation that says who will get it and who is blocked and why.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { useLocation, useParams } from 'wouter';
import { api, data } from '../../api/client';
import { useCanWrite } from '../../api/session';
import { ErrorState } from '../../ui/ErrorState';
import { FormError, TextAreaField, TextField } from '../../ui/fields';
import { Page, Section } from '../../ui/Page';
import { SendDialog } from './SendDialog';

interface Message {
  id: string;
  name: string;
  subject: string;
  html: string;
  text: string | null;
}
interface Draft {
  links: { position: number; url: string }[];
  refusedLinks: { part: string; url: string; problem: string }[];
}

const EMPTY = {
  name: '',
  subject: '',
  html: '<p>Hello {{ contact.first_name | default: "there" }},</p>',
  text: '',
};

export function MessageEditor() {
  const params = useParams<{ id?: string }>();
  const id = params.id;
  const [, navigate] = useLocation();
  const canWrite = useCanWrite('email');
  const queryClient = useQueryClient();
  const [form, setForm] = useState(EMPTY);
  const [contactId, setContactId] = useState('');
  const [sending, setSending] = useState(false);
  const [saved, setSaved] = useState(0);

  const message = useQuery({
    queryKey: ['message', id],
    enabled: id !== undefined,
    queryFn: async () =>
      (await data(api.GET('/api/messages/{id}', { params: { path: { id: id ?? '' } } }))) as Message,
  });
  useEffect(() => {
    const m = message.data;
    if (m) setForm({ name: m.name, subject: m.subject, html: m.html, text: m.text ?? '' });
  }, [message.data]);
  const fields = useQuery({
    queryKey: ['merge-fields'],
    queryFn: async () =>
      (await data(api.GET('/api/messages/merge-fields'))) as {
        mergeFields: { tag: string; description: string }[];
      },
  });
  const draft = useQuery({
    queryKey: ['draft-links', form.subject, form.html, form.text],
    enabled: form.subject.trim() !== '' && form.html.trim() !== '',
    retry: false,
    queryFn: async () =>
      (await data(
        api.POST('/api/messages/preview', {
          body: { subject: form.subject, html: form.html, text: form.text.trim() ? form.text : null },
        }),
      )) as Draft,
  });

  const save = useMutation({
    mutationFn: async () => {
      const body = {
        name: form.name,
        subject: form.subject,
        html: form.html,
        text: form.text.trim() ? form.text : null,
      };
      if (id)
        return (await data(api.PATCH('/api/messages/{id}', { params: { path: { id } }, body }))) as Message;
      return (await data(api.POST('/api/messages', { body }))) as Message;
    },
    onSuccess: async (m) => {
      await queryClient.invalidateQueries({ queryKey: ['messages'] });
      queryClient.setQueryData(['message', m.id], m);
      setSaved((n) => n + 1);
      if (!id) {
        navigate(`/messages/${m.id}`);
        // The saved message is a new page: open it at its top, where its title and "Send to lists…" are.
        // Left scrolled down at the Save button, the header is out of view with the preview frame (a
        // sandboxed document, drawn by its own process) just below where it scrolls to; a click that
        // scrolls first can then reach that frame instead of the button (the browser routes it by the
        // frame's place before the scroll), and the send dialog does not open.
        window.scrollTo(0, 0);
      }
    },
  });
  const set = (key: keyof typeof EMPTY) => (event: { target: { value: string } }) =>
    setForm((f) => ({ ...f, [key]: event.target.value }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  if (message.error) return <ErrorState error={message.error} retry={() => message.refetch()} />;
  const previewUrl = id
    ? `/api/messages/${encodeURIComponent(id)}/preview.html?${new URLSearchParams(contactId.trim() ? { contactId: contactId.trim(), v: String(saved) } : { v: String(saved) })}`
    : null;

  return (
    <Page
      title={id ? (message.data?.name ?? 'Message') : 'New message'}
      actions={
        canWrite && id ? (
          <button type="button" className="primary" onClick={() => setSending(true)}>
            Send to lists…
          </button>
        ) : null
      }
    >
      <div className="editor-grid">
        <Section title="Content">
          <form onSubmit={submit}>
            <fieldset disabled={!canWrite} style={{ border: 0, padding: 0, margin: 0, minWidth: 0 }}>
              <TextField label="Name" value={form.name} onChange={set('name')} required maxLength={200} />
              <TextField
                label="Subject"
                value={form.subject}
                onChange={set('subject')}
                required
                hint="Liquid: {{ contact.first_name }}"
              />
              <TextAreaField
                label="HTML"
                value={form.html}
                onChange={set('html')}
                rows={12}
                required
                spellCheck={false}
              />
              <TextAreaField
                label="Text (optional)"
                value={form.text}
                onChange={set('text')}
                rows={6}
                hint="Left empty, it is made from the HTML."
              />
            </fieldset>
            <FormError error={save.error ? (save.error as Error).message : null} />
            {canWrite ? (
              <button type="submit" className="primary" disabled={save.isPending}>
                {save.isPending ? 'Saving…' : 'Save'}
              </button>
            ) : null}
            {save.isSuccess ? <p role="status">Saved.</p> : null}
          </form>
          <details>
            <summary>Merge fields</summary>
            <ul>
              {(fields.data?.mergeFields ?? []).map((f) => (
                <li key={f.tag}>
                  <code>{f.tag}</code> — {f.description}
                </li>
              ))}
            </ul>
          </details>
        </Section>
        <Section title="Preview">
          <TextField
            label="Preview for contact (id)"
            value={contactId}
            onChange={(e) => setContactId(e.target.value)}
            hint="Empty: merge fields render empty. The preview shows the saved message."
          />
          {previewUrl ? (
            <iframe title="Message preview" src={previewUrl} sandbox="" className="email-preview" />
          ) : (
            <p>Save the message to preview it.</p>
          )}
          <h3>Links that will be tracked</h3>
          {draft.error ? <p className="form-error">{(draft.error as Error).message}</p> : null}
          <ol>
            {(draft.data?.links ?? []).map((link) => (
              <li key={link.position}>
                <code>{link.url}</code>
              </li>
            ))}
          </ol>
          {draft.data && draft.data.refusedLinks.length > 0 ? (
            <ul className="form-error">
              {draft.data.refusedLinks.map((link) => (
                <li key={`${link.part}${link.url}`}>
                  Not trackable ({link.part}): <code>{link.url}</code> — {link.problem}
                </li>
              ))}
            </ul>
          ) : null}
        </Section>
      </div>
      {id ? <SendDialog open={sending} messageId={id} onClose={() => setSending(false)} /> : null}
    </Page>
  );
}
