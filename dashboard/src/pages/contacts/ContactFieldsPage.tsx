// The install's custom contact fields: every one with its key and type; for sessions that may change
// contacts, adding one, renaming one (its label) and removing one (after a confirmation saying what goes).
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link } from 'wouter';
import { ApiError, api, data } from '../../api/client';
import { useCanWrite } from '../../api/session';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { type Column, DataTable } from '../../ui/DataTable';
import { EmptyState } from '../../ui/EmptyState';
import { ErrorState } from '../../ui/ErrorState';
import { FormError, SelectField, TextField } from '../../ui/fields';
import { Loading } from '../../ui/NotFound';
import { Page, Section } from '../../ui/Page';
import {
  type ContactFieldDefinition,
  type ContactFieldType,
  FIELD_TYPE_LABELS,
  useContactFields,
} from './contact-fields';

const TYPE_OPTIONS = (Object.keys(FIELD_TYPE_LABELS) as ContactFieldType[]).map((value) => ({
  value,
  label: FIELD_TYPE_LABELS[value],
}));

function NewField({ onAdded }: { onAdded: (message: string | null) => void }) {
  const queryClient = useQueryClient();
  const [keyError, setKeyError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: (body: ContactFieldDefinition) => data(api.POST('/api/contact-fields', { body })),
    onSuccess: (field) => {
      queryClient.invalidateQueries({ queryKey: ['contact-fields'] });
      onAdded(`“${field.label}” added.`);
    },
    onError: (thrown) => {
      // A malformed key (400) or one taken (409) is about the key: said beside it.
      if (thrown instanceof ApiError && (thrown.status === 400 || thrown.status === 409))
        setKeyError(thrown.message);
      else setError(thrown.message);
    },
  });
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const element = event.currentTarget;
    const form = new FormData(element);
    setKeyError(null);
    setError(null);
    onAdded(null);
    create.mutate(
      {
        key: String(form.get('key') ?? '').trim(),
        label: String(form.get('label') ?? '').trim(),
        type: String(form.get('type') ?? 'text') as ContactFieldType,
      },
      { onSuccess: () => element.reset() },
    );
  }
  return (
    <Section title="Add a field">
      <form onSubmit={submit} className="contact-edit">
        <TextField label="Label" name="label" required maxLength={200} hint="What people read: Price plan." />
        <TextField
          label="Key"
          name="key"
          required
          maxLength={40}
          pattern="[a-z][a-z0-9_]*"
          autoComplete="off"
          hint="What forms, CSV columns and merge fields use: plan. A letter first, then a–z, 0–9 and _; it cannot change later."
          error={keyError}
        />
        <SelectField label="Type" name="type" options={TYPE_OPTIONS} defaultValue="text" />
        <FormError error={error} />
        <div className="dialog-actions">
          <button type="submit" className="primary" disabled={create.isPending}>
            Add field
          </button>
        </div>
      </form>
    </Section>
  );
}

export function ContactFieldsPage() {
  const queryClient = useQueryClient();
  const canWrite = useCanWrite('contacts');
  const fields = useContactFields();
  const [renaming, setRenaming] = useState<ContactFieldDefinition | null>(null);
  const [label, setLabel] = useState('');
  const [removing, setRemoving] = useState<ContactFieldDefinition | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const refresh = () => {
    queryClient.invalidateQueries({ queryKey: ['contact-fields'] });
    queryClient.invalidateQueries({ queryKey: ['contact'] });
  };

  const columns: Column<ContactFieldDefinition>[] = [
    { id: 'label', header: 'Label', value: (f) => f.label },
    { id: 'key', header: 'Key', value: (f) => f.key, cell: (f) => <code>{f.key}</code> },
    { id: 'type', header: 'Type', value: (f) => FIELD_TYPE_LABELS[f.type] },
    ...(canWrite
      ? [
          {
            id: 'actions',
            header: 'Actions',
            cell: (f: ContactFieldDefinition) => (
              <span className="page-actions">
                <button
                  type="button"
                  onClick={() => {
                    setNotice(null);
                    setLabel(f.label);
                    setRenaming(f);
                  }}
                  aria-label={`Rename ${f.label}`}
                >
                  Rename…
                </button>
                <button
                  type="button"
                  className="danger"
                  onClick={() => {
                    setNotice(null);
                    setRemoving(f);
                  }}
                  aria-label={`Remove ${f.label}`}
                >
                  Remove…
                </button>
              </span>
            ),
          },
        ]
      : []),
  ];

  return (
    <Page
      title="Contact fields"
      description={
        <>
          Fields every contact can have beside the standard ones (email, names, company, job title, phone,
          country). <Link href="/">Back to contacts</Link>
        </>
      }
    >
      {fields.isPending ? (
        <Loading />
      ) : fields.isError ? (
        <ErrorState error={fields.error} retry={() => fields.refetch()} />
      ) : (
        <DataTable
          caption="Custom contact fields"
          columns={columns}
          rows={fields.data}
          rowId={(f) => f.key}
          empty={<EmptyState title="No custom fields yet." />}
        />
      )}
      {notice ? (
        <p className="notice success" role="status">
          {notice}
        </p>
      ) : null}
      {canWrite ? <NewField onAdded={setNotice} /> : null}
      <ConfirmDialog
        open={renaming !== null}
        title={`Rename “${renaming?.label ?? ''}”`}
        confirmLabel="Save the label"
        onConfirm={async () => {
          if (!renaming) return;
          const field = await data(
            api.PATCH('/api/contact-fields/{key}', {
              params: { path: { key: renaming.key } },
              body: { label },
            }),
          );
          refresh();
          setNotice(`Renamed to “${field.label}”.`);
        }}
        onClose={() => setRenaming(null)}
      >
        <TextField
          label="New label"
          value={label}
          onChange={(event) => setLabel(event.target.value)}
          maxLength={200}
          hint={`The key stays ${renaming?.key ?? ''}: forms, imports and merge fields keep working.`}
        />
      </ConfirmDialog>
      <ConfirmDialog
        open={removing !== null}
        title={`Remove the field “${removing?.label ?? ''}”?`}
        confirmLabel="Remove the field and its values"
        danger
        onConfirm={async () => {
          if (!removing) return;
          const result = await data(
            api.DELETE('/api/contact-fields/{key}', { params: { path: { key: removing.key } } }),
          );
          refresh();
          setNotice(
            `“${removing.label}” removed; ${result.clearedContacts} ${result.clearedContacts === 1 ? 'contact' : 'contacts'} lost a value.`,
          );
        }}
        onClose={() => setRemoving(null)}
      >
        <p>
          Every contact's value for it is deleted with it; this cannot be undone (export a contact first if
          you need a copy). Messages that merge <code>{`{{ contact.custom.${removing?.key ?? ''} }}`}</code>{' '}
          show nothing there from now on, and a field added later with the key <code>{removing?.key}</code>{' '}
          starts empty.
        </p>
        <p>A form that uses the field must be changed first: Spoor refuses and names it.</p>
      </ConfirmDialog>
    </Page>
  );
}
