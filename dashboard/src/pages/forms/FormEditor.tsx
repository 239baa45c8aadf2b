// Creating or editing a form: its fields (type, label, required, validation, options, prefill), duplicate
// detection, what follows a submission, the lists it subscribes to, prefill and the hosted page, with a
// live preview of the form as a visitor will see it. Saving sends the whole definition (PUT replaces it).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { useLocation } from 'wouter';
import { api, data } from '../../api/client';
import { useCanRead } from '../../api/session';
import { ErrorState } from '../../ui/ErrorState';
import { CheckboxField, FormError, SelectField, TextAreaField, TextField } from '../../ui/fields';
import { Loading } from '../../ui/NotFound';
import { Page, Section } from '../../ui/Page';
import { FormPreview } from './FormPreview';
import { type Draft, type DraftField, draftOf, FIELD_TYPES, NEW_DRAFT, toBody } from './form-draft';

function FieldEditor({
  field,
  index,
  count,
  onChange,
  onMove,
  onRemove,
}: {
  field: DraftField;
  index: number;
  count: number;
  onChange: (field: DraftField) => void;
  onMove: (by: -1 | 1) => void;
  onRemove: () => void;
}) {
  const set = (values: Partial<DraftField>) => onChange({ ...field, ...values });
  const n = index + 1;
  return (
    <fieldset className="field-row">
      <legend>
        Field {n}: {field.label || field.key || 'new'}
      </legend>
      <TextField
        label={`Field ${n} label`}
        value={field.label}
        onChange={(e) => set({ label: e.target.value })}
        required
      />
      <TextField
        label={`Field ${n} key`}
        value={field.key}
        onChange={(e) => set({ key: e.target.value })}
        hint="A contact field (email, firstName, lastName, company, phone, jobTitle, country), a custom field's key, or a consent's name."
        required
      />
      <SelectField
        label={`Field ${n} type`}
        value={field.type}
        onChange={(e) => set({ type: e.target.value as DraftField['type'] })}
        options={FIELD_TYPES.map((t) => ({ value: t, label: t }))}
      />
      <CheckboxField
        label={`Field ${n} is required`}
        checked={field.required}
        onChange={(e) => set({ required: e.target.checked })}
      />
      {field.type === 'select' ? (
        <TextAreaField
          label={`Field ${n} options, one per line`}
          value={field.options}
          onChange={(e) => set({ options: e.target.value })}
        />
      ) : null}
      {['text', 'email', 'tel', 'textarea'].includes(field.type) ? (
        <>
          <TextField
            label={`Field ${n} pattern (RE2)`}
            value={field.pattern}
            onChange={(e) => set({ pattern: e.target.value })}
            hint="Optional: the value must match it."
          />
          {field.pattern ? (
            <TextField
              label={`Field ${n} message when the pattern does not match`}
              value={field.patternMessage}
              onChange={(e) => set({ patternMessage: e.target.value })}
            />
          ) : null}
        </>
      ) : null}
      {field.type === 'hidden' ? (
        <TextField
          label={`Field ${n} value`}
          value={field.defaultValue}
          onChange={(e) => set({ defaultValue: e.target.value })}
        />
      ) : null}
      <CheckboxField
        label={`Prefill field ${n} for a returning contact`}
        checked={field.prefill}
        onChange={(e) => set({ prefill: e.target.checked })}
      />
      <div className="page-actions">
        <button type="button" onClick={() => onMove(-1)} disabled={index === 0}>
          Move field {n} up
        </button>
        <button type="button" onClick={() => onMove(1)} disabled={index === count - 1}>
          Move field {n} down
        </button>
        <button type="button" className="danger" onClick={onRemove}>
          Remove field {n}
        </button>
      </div>
    </fieldset>
  );
}

export function FormEditor({ id }: { id: string | null }) {
  const [, navigate] = useLocation();
  const queryClient = useQueryClient();
  const canReadLists = useCanRead('email');
  const existing = useQuery({
    queryKey: ['form', id],
    queryFn: () => data(api.GET('/api/forms/{id}', { params: { path: { id: id! } } })),
    enabled: id !== null,
  });
  const websites = useQuery({ queryKey: ['websites'], queryFn: () => data(api.GET('/api/websites')) });
  const lists = useQuery({
    queryKey: ['lists'],
    queryFn: () => data(api.GET('/api/lists')),
    enabled: canReadLists,
  });
  const [draft, setDraft] = useState<Draft>(NEW_DRAFT);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (existing.data) setDraft(draftOf(existing.data as Parameters<typeof draftOf>[0]));
  }, [existing.data]);

  const save = useMutation({
    mutationFn: (body: ReturnType<typeof toBody>) =>
      id === null
        ? data(api.POST('/api/forms', { body: body as never }))
        : data(api.PUT('/api/forms/{id}', { params: { path: { id } }, body: body as never })),
    onSuccess: (form) => {
      queryClient.invalidateQueries({ queryKey: ['forms'] });
      queryClient.invalidateQueries({ queryKey: ['form', form.id] });
      navigate(`/${form.id}`);
    },
    onError: (thrown) => setError(thrown.message),
  });

  if (id !== null && existing.isPending) return <Loading />;
  if (existing.isError) return <ErrorState error={existing.error} retry={() => existing.refetch()} />;

  const set = (values: Partial<Draft>) => setDraft((d) => ({ ...d, ...values }));
  const setField = (index: number, field: DraftField) =>
    set({ fields: draft.fields.map((f, i) => (i === index ? field : f)) });
  const move = (index: number, by: -1 | 1) => {
    const fields = [...draft.fields];
    const [moved] = fields.splice(index, 1);
    if (moved) fields.splice(index + by, 0, moved);
    set({ fields });
  };
  const consentKeys = draft.fields.filter((f) => f.type === 'consent').map((f) => f.key);

  function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    save.mutate(toBody(draft));
  }

  return (
    <Page title={id === null ? 'New form' : `Edit ${draft.name || 'form'}`}>
      <div className="form-editor">
        <form onSubmit={submit} aria-label="Form definition">
          <Section title="Form">
            <TextField
              label="Name"
              value={draft.name}
              onChange={(e) => set({ name: e.target.value })}
              required
              maxLength={200}
            />
            <SelectField
              label="Website"
              value={draft.websiteId}
              onChange={(e) => set({ websiteId: e.target.value })}
              hint="Its pages may embed the form; its tracking runs on the hosted page."
              options={[
                { value: '', label: 'None' },
                ...(websites.data?.websites ?? []).map((w: { id: string; name: string }) => ({
                  value: w.id,
                  label: w.name,
                })),
              ]}
            />
            <TextField
              label="Submit button"
              value={draft.submitLabel}
              onChange={(e) => set({ submitLabel: e.target.value })}
              maxLength={100}
            />
          </Section>
          <Section title="Fields">
            {draft.fields.map((field, index) => (
              <FieldEditor
                key={field.uid}
                field={field}
                index={index}
                count={draft.fields.length}
                onChange={(f) => setField(index, f)}
                onMove={(by) => move(index, by)}
                onRemove={() => set({ fields: draft.fields.filter((_, i) => i !== index) })}
              />
            ))}
            <button
              type="button"
              onClick={() =>
                set({
                  fields: [
                    ...draft.fields,
                    {
                      ...NEW_DRAFT.fields[0]!,
                      uid: crypto.randomUUID(),
                      key: '',
                      label: '',
                      type: 'text',
                      required: false,
                    },
                  ],
                })
              }
            >
              Add a field
            </button>
          </Section>
          <Section title="Duplicates and after submitting">
            <SelectField
              label="Same contact when these match"
              value={draft.matchRule}
              onChange={(e) => set({ matchRule: e.target.value as Draft['matchRule'] })}
              options={[
                { value: 'email', label: 'Email' },
                { value: 'name-email-company', label: 'Name, email and company' },
              ]}
            />
            <SelectField
              label="When a contact matches"
              value={draft.onMatch}
              onChange={(e) => set({ onMatch: e.target.value as Draft['onMatch'] })}
              options={[
                { value: 'update', label: 'Update that contact' },
                { value: 'create', label: 'Create a new contact anyway' },
              ]}
            />
            <SelectField
              label="After submitting"
              value={draft.afterKind}
              onChange={(e) => set({ afterKind: e.target.value as Draft['afterKind'] })}
              options={[
                { value: 'message', label: 'Show a message' },
                { value: 'redirect', label: 'Go to an address' },
              ]}
            />
            {draft.afterKind === 'message' ? (
              <TextAreaField
                label="Message"
                value={draft.afterText}
                onChange={(e) => set({ afterText: e.target.value })}
              />
            ) : (
              <TextField
                label="Address"
                type="url"
                value={draft.afterUrl}
                onChange={(e) => set({ afterUrl: e.target.value })}
              />
            )}
            <CheckboxField
              label="Offer “remember me” (prefill for returning contacts)"
              checked={draft.prefill}
              onChange={(e) => set({ prefill: e.target.checked })}
            />
          </Section>
          {canReadLists ? (
            <Section title="Lists">
              {(lists.data?.lists ?? []).length === 0 ? <p>No lists yet.</p> : null}
              {(lists.data?.lists ?? []).map((list) => {
                const chosen = draft.lists.find((l) => l.listId === list.id);
                return (
                  <div key={list.id} className="field-row">
                    <CheckboxField
                      label={`Subscribe to ${list.name}`}
                      checked={chosen !== undefined}
                      onChange={(e) =>
                        set({
                          lists: e.target.checked
                            ? [...draft.lists, { listId: list.id, consentField: '' }]
                            : draft.lists.filter((l) => l.listId !== list.id),
                        })
                      }
                    />
                    {chosen && consentKeys.length > 0 ? (
                      <SelectField
                        label={`Only when this box is ticked (${list.name})`}
                        value={chosen.consentField}
                        onChange={(e) =>
                          set({
                            lists: draft.lists.map((l) =>
                              l.listId === list.id ? { ...l, consentField: e.target.value } : l,
                            ),
                          })
                        }
                        options={[
                          { value: '', label: 'Always' },
                          ...consentKeys.map((k) => ({ value: k, label: k })),
                        ]}
                      />
                    ) : null}
                  </div>
                );
              })}
            </Section>
          ) : null}
          <Section title="Hosted page">
            <CheckboxField
              label="Publish a hosted page"
              checked={draft.hasPage}
              onChange={(e) => set({ hasPage: e.target.checked })}
            />
            {draft.hasPage ? (
              <>
                <TextField
                  label="Page address (/p/…)"
                  value={draft.slug}
                  onChange={(e) => set({ slug: e.target.value })}
                  required
                  maxLength={80}
                />
                <TextField
                  label="Page title"
                  value={draft.pageTitle}
                  onChange={(e) => set({ pageTitle: e.target.value })}
                  required
                  maxLength={200}
                />
                <TextAreaField
                  label="Introduction"
                  value={draft.intro}
                  onChange={(e) => set({ intro: e.target.value })}
                  maxLength={5000}
                />
              </>
            ) : null}
          </Section>
          <FormError error={error} />
          <button type="submit" className="primary" disabled={save.isPending}>
            {id === null ? 'Create form' : 'Save form'}
          </button>
        </form>
        <Section title="Preview">
          <FormPreview draft={draft} />
        </Section>
      </div>
    </Page>
  );
}
