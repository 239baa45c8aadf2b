// API keys: create one with scopes (its secret is shown once, with a copy button), see when each was last
// used, revoke one. Only administrators see the buttons.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, data } from '../../api/client';
import { useCanWrite } from '../../api/session';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { type Column, DataTable } from '../../ui/DataTable';
import { ErrorState } from '../../ui/ErrorState';
import { CheckboxField, FormError, TextField } from '../../ui/fields';
import { Loading } from '../../ui/NotFound';
import { formatDateTime, Section } from '../../ui/Page';
import { SecretOnce } from '../../ui/SecretOnce';
import { SettingsPage } from './SettingsPage';

type Scope = 'read-only' | 'tracking' | 'email' | 'full';

const SCOPES: { value: Scope; label: string; hint: string }[] = [
  { value: 'read-only', label: 'Read only', hint: 'reads everything but administration' },
  { value: 'tracking', label: 'Tracking', hint: 'websites, reports, forms, and contacts' },
  { value: 'email', label: 'Email', hint: 'lists, messages, sends, and contacts' },
  { value: 'full', label: 'Full', hint: 'everything, including users and keys' },
];

interface ApiKey {
  id: string;
  name: string;
  scopes: Scope[];
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

function CreateKeyForm() {
  const queryClient = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<{ name: string; key: string } | null>(null);
  const create = useMutation({
    mutationFn: (body: { name: string; scopes: Scope[] }) => data(api.POST('/api/api-keys', { body })),
    onSuccess: (result) => {
      setCreated({ name: result.name, key: result.key });
      queryClient.invalidateQueries({ queryKey: ['api-keys'] });
    },
    onError: (thrown) => setError(thrown.message),
  });
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const scopes = form.getAll('scopes') as Scope[];
    setError(null);
    if (scopes.length === 0) return setError('Choose at least one scope.');
    create.mutate(
      { name: String(form.get('name') ?? '').trim(), scopes },
      { onSuccess: () => (event.target as HTMLFormElement).reset() },
    );
  }
  return (
    <Section title="Create a key">
      {created ? (
        <SecretOnce
          heading={`Copy the key for “${created.name}” now:`}
          value={created.key}
          copyLabel="Copy key"
          testId="new-api-key"
          onDone={() => setCreated(null)}
        />
      ) : null}
      <form onSubmit={submit}>
        <TextField
          label="Name"
          name="name"
          required
          maxLength={200}
          hint="What the key is for, e.g. “CRM sync”."
        />
        <fieldset className="field scopes">
          <legend>Scopes</legend>
          {SCOPES.map((scope) => (
            <CheckboxField
              key={scope.value}
              name="scopes"
              value={scope.value}
              label={scope.label}
              hint={scope.hint}
              defaultChecked={scope.value === 'read-only'}
            />
          ))}
        </fieldset>
        <FormError error={error} />
        <button type="submit" className="primary" disabled={create.isPending}>
          Create key
        </button>
      </form>
    </Section>
  );
}

export function ApiKeysPage() {
  const canWrite = useCanWrite('administration');
  const queryClient = useQueryClient();
  const keys = useQuery({ queryKey: ['api-keys'], queryFn: () => data(api.GET('/api/api-keys')) });
  const [revoking, setRevoking] = useState<ApiKey | null>(null);

  const columns: Column<ApiKey>[] = [
    { id: 'name', header: 'Name', value: (k) => k.name },
    { id: 'scopes', header: 'Scopes', value: (k) => k.scopes.join(', ') },
    { id: 'created', header: 'Created', value: (k) => k.createdAt, cell: (k) => formatDateTime(k.createdAt) },
    {
      id: 'used',
      header: 'Last used',
      value: (k) => k.lastUsedAt ?? '',
      cell: (k) => (k.lastUsedAt ? formatDateTime(k.lastUsedAt) : 'never'),
    },
    {
      id: 'status',
      header: 'Status',
      value: (k) => (k.revokedAt ? 'revoked' : 'active'),
      cell: (k) =>
        k.revokedAt ? (
          <span className="badge bad">revoked {formatDateTime(k.revokedAt)}</span>
        ) : (
          <span className="badge good">active</span>
        ),
    },
  ];
  if (canWrite)
    columns.push({
      id: 'actions',
      header: 'Actions',
      cell: (k) =>
        k.revokedAt ? null : (
          <button type="button" className="danger" onClick={() => setRevoking(k)}>
            Revoke
          </button>
        ),
    });

  return (
    <SettingsPage title="API keys" description="Keys let programs use the API (Authorization: Bearer …).">
      {canWrite ? <CreateKeyForm /> : null}
      <Section title="Keys">
        {keys.isPending ? (
          <Loading />
        ) : keys.isError ? (
          <ErrorState error={keys.error} retry={() => keys.refetch()} />
        ) : (
          <DataTable
            caption="API keys"
            columns={columns}
            rows={keys.data.apiKeys as ApiKey[]}
            rowId={(k) => k.id}
            initialSort={{ id: 'created', desc: true }}
          />
        )}
      </Section>
      <ConfirmDialog
        open={revoking !== null}
        title={`Revoke “${revoking?.name ?? ''}”?`}
        confirmLabel="Revoke"
        danger
        onClose={() => setRevoking(null)}
        onConfirm={async () => {
          if (!revoking) return;
          await api.DELETE('/api/api-keys/{id}', { params: { path: { id: revoking.id } } });
          await queryClient.invalidateQueries({ queryKey: ['api-keys'] });
        }}
      >
        <p>Programs using it are refused at once, on every node. This cannot be undone.</p>
      </ConfirmDialog>
    </SettingsPage>
  );
}
