// Editing a contact's fields: the standard ones, every custom field the install defines, and the email
// permissions. Only what changed is sent (PATCH /api/contacts/{id}); the server's message for each invalid
// value shows under that field and focus moves to the first one.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { ApiError, api, data } from '../../api/client';
import type { operations } from '../../api/schema';
import { CheckboxField, FormError, SelectField, TextField } from '../../ui/fields';
import { type ContactFieldDefinition, STANDARD_FIELDS } from './contact-fields';

type CustomValue = string | number | boolean | null;
type ContactChanges = operations['changeContact']['requestBody']['content']['application/json'];

export interface EditableContact {
  id: string;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  company: string | null;
  phone: string | null;
  jobTitle: string | null;
  country: string | null;
  custom: Record<string, CustomValue>;
  emailTracking: boolean | null;
  doNotEmail: boolean;
}

/** What each input holds: text, as typed (the server converts and checks it). */
type Draft = Record<string, string>;

const asText = (value: CustomValue | undefined) =>
  value === null || value === undefined ? '' : String(value);
const trackingText = (value: boolean | null) => (value === null ? '' : value ? 'allowed' : 'refused');

function draftOf(contact: EditableContact, fields: readonly ContactFieldDefinition[]): Draft {
  const draft: Draft = {};
  for (const [key] of STANDARD_FIELDS) draft[key] = contact[key] ?? '';
  for (const field of fields) draft[`custom.${field.key}`] = asText(contact.custom[field.key]);
  draft.emailTracking = trackingText(contact.emailTracking);
  draft.doNotEmail = contact.doNotEmail ? 'yes' : '';
  return draft;
}

/** The PATCH body: the values that differ from what the contact holds ('' clears a field). */
function changesOf(before: Draft, after: Draft): ContactChanges {
  const body: Record<string, unknown> & { custom?: Record<string, string | null> } = {};
  for (const [key, value] of Object.entries(after)) {
    if (before[key] === value) continue;
    if (key.startsWith('custom.')) {
      body.custom = { ...body.custom, [key.slice('custom.'.length)]: value.trim() === '' ? null : value };
    } else if (key === 'emailTracking') {
      body.emailTracking = value === '' ? null : value === 'allowed';
    } else if (key === 'doNotEmail') {
      body.doNotEmail = value === 'yes';
    } else body[key] = value.trim() === '' ? null : value;
  }
  return body as ContactChanges;
}

/** The server names custom fields by key and standard ones by name; the draft prefixes custom keys. */
function fieldErrorsOf(error: unknown, fields: readonly ContactFieldDefinition[]): Record<string, string> {
  if (!(error instanceof ApiError) || error.status !== 422) return {};
  const named = (error.details?.fields ?? {}) as Record<string, string>;
  const custom = new Set(fields.map((field) => field.key));
  return Object.fromEntries(
    Object.entries(named).map(([key, message]) => [custom.has(key) ? `custom.${key}` : key, message]),
  );
}

const BOOLEAN_OPTIONS = [
  { value: '', label: '— (no value)' },
  { value: 'true', label: 'Yes' },
  { value: 'false', label: 'No' },
];

export function ContactEditForm({
  contact,
  fields,
  onDone,
}: {
  contact: EditableContact;
  fields: readonly ContactFieldDefinition[];
  /** Called after a save (true) or a cancel (false). */
  onDone: (saved: boolean) => void;
}) {
  const queryClient = useQueryClient();
  const [initial] = useState(() => draftOf(contact, fields));
  const [draft, setDraft] = useState(initial);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const formRef = useRef<HTMLFormElement>(null);

  useEffect(() => {
    formRef.current?.querySelector<HTMLInputElement>('input')?.focus();
  }, []);

  // Once the messages are drawn, the first field in trouble takes the focus.
  useEffect(() => {
    if (Object.keys(fieldErrors).length > 0)
      formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [fieldErrors]);

  const save = useMutation({
    mutationFn: (body: ContactChanges) =>
      data(api.PATCH('/api/contacts/{id}', { params: { path: { id: contact.id } }, body })),
    onSuccess: (saved) => {
      queryClient.setQueryData(['contact', contact.id], saved);
      queryClient.invalidateQueries({ queryKey: ['contacts'] });
      onDone(true);
    },
    onError: (error) => {
      const errors = fieldErrorsOf(error, fields);
      setFieldErrors(errors);
      setFormError(
        Object.keys(errors).length > 0
          ? `${Object.keys(errors).length === 1 ? 'One value needs' : `${Object.keys(errors).length} values need`} a change before saving.`
          : error.message,
      );
    },
  });

  const set = (key: string) => (value: string) => {
    setDraft((current) => ({ ...current, [key]: value }));
  };

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setFormError(null);
    setFieldErrors({});
    const body = changesOf(initial, draft);
    if (Object.keys(body).length === 0) return onDone(false);
    save.mutate(body);
  }

  const text = (key: string, label: string, props: Record<string, unknown> = {}) => (
    <TextField
      key={key}
      label={label}
      name={key}
      value={draft[key] ?? ''}
      onChange={(event) => set(key)(event.target.value)}
      error={fieldErrors[key]}
      {...props}
    />
  );

  return (
    <form ref={formRef} onSubmit={submit} noValidate aria-label="Edit the contact" className="contact-edit">
      {STANDARD_FIELDS.map(([key, label]) =>
        text(key, label, {
          type: key === 'email' ? 'email' : key === 'phone' ? 'tel' : 'text',
          autoComplete: 'off',
        }),
      )}
      {fields.length > 0 ? <h3>Custom fields</h3> : null}
      {fields.map((field) => {
        const key = `custom.${field.key}`;
        if (field.type === 'boolean')
          return (
            <SelectField
              key={key}
              label={field.label}
              name={key}
              value={draft[key] ?? ''}
              onChange={(event) => set(key)(event.target.value)}
              options={BOOLEAN_OPTIONS}
              error={fieldErrors[key]}
            />
          );
        return text(key, field.label, {
          type: field.type === 'date' ? 'date' : 'text',
          ...(field.type === 'number' ? { inputMode: 'decimal' } : {}),
          hint: field.type === 'number' ? 'A number.' : undefined,
        });
      })}
      <h3>Email permissions</h3>
      <SelectField
        label="Email open and click tracking"
        name="emailTracking"
        value={draft.emailTracking ?? ''}
        onChange={(event) => set('emailTracking')(event.target.value)}
        options={[
          { value: '', label: "The install's default" },
          { value: 'allowed', label: 'Allowed' },
          { value: 'refused', label: 'Refused' },
        ]}
        hint="Record the contact's own choice."
        error={fieldErrors.emailTracking}
      />
      <CheckboxField
        label="Do not email (no marketing email is sent to them)"
        name="doNotEmail"
        checked={draft.doNotEmail === 'yes'}
        onChange={(event) => set('doNotEmail')(event.target.checked ? 'yes' : '')}
      />
      <FormError error={formError} />
      <div className="dialog-actions">
        <button type="button" onClick={() => onDone(false)} disabled={save.isPending}>
          Cancel
        </button>
        <button type="submit" className="primary" disabled={save.isPending}>
          {save.isPending ? 'Saving…' : 'Save changes'}
        </button>
      </div>
    </form>
  );
}
