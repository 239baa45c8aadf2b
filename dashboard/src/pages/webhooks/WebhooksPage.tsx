// Webhook endpoints (administrators): the list with each one's health, and registering one (its secret
// is shown once, with a copy button). A paused or disabled endpoint is called out at the top.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link } from 'wouter';
import { api, data } from '../../api/client';
import { type Column, DataTable } from '../../ui/DataTable';
import { ErrorState } from '../../ui/ErrorState';
import { CheckboxField, FormError, TextField } from '../../ui/fields';
import { Loading } from '../../ui/NotFound';
import { formatDateTime, Section } from '../../ui/Page';
import { SecretOnce } from '../../ui/SecretOnce';
import { SettingsPage } from '../settings/SettingsPage';
import { type Endpoint, StateBadge } from './webhook-parts';

function CreateEndpointForm() {
  const queryClient = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<{ url: string; secret: string } | null>(null);
  const types = useQuery({
    queryKey: ['webhook-event-types'],
    queryFn: () => data(api.GET('/api/webhook-event-types')),
  });
  const create = useMutation({
    mutationFn: (body: { url: string; description: string; eventTypes: string[] }) =>
      data(api.POST('/api/webhooks', { body: body as never })),
    onSuccess: (result) => {
      setCreated({ url: result.endpoint.url, secret: result.secret });
      queryClient.invalidateQueries({ queryKey: ['webhooks'] });
    },
    onError: (thrown) => setError(thrown.message),
  });
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const eventTypes = form.getAll('eventTypes') as string[];
    setError(null);
    if (eventTypes.length === 0) return setError('Choose at least one event type.');
    create.mutate(
      {
        url: String(form.get('url') ?? '').trim(),
        description: String(form.get('description') ?? '').trim(),
        eventTypes,
      },
      { onSuccess: () => (event.target as HTMLFormElement).reset() },
    );
  }
  return (
    <Section title="Add an endpoint">
      {created ? (
        <SecretOnce
          heading={`Copy the signing secret for ${created.url} now:`}
          value={created.secret}
          copyLabel="Copy secret"
          testId="new-webhook-secret"
          onDone={() => setCreated(null)}
        >
          Verify each delivery with it (any Standard Webhooks library).
        </SecretOnce>
      ) : null}
      <form onSubmit={submit}>
        <TextField
          label="URL"
          name="url"
          type="url"
          required
          maxLength={2000}
          placeholder="https://crm.example.com/hooks/spoor"
          hint="https only; private and loopback addresses are refused."
        />
        <TextField
          label="Description"
          name="description"
          maxLength={500}
          hint="What receives it, e.g. “CRM”."
        />
        <fieldset className="field webhook-types">
          <legend>Events to send</legend>
          {types.isPending ? (
            <Loading />
          ) : types.isError ? (
            <ErrorState error={types.error} retry={() => types.refetch()} />
          ) : (
            types.data.eventTypes.map((type) => (
              <CheckboxField
                key={type.type}
                name="eventTypes"
                value={type.type}
                label={type.type}
                hint={
                  type.dynamics ? `${type.description} Dynamics 365: ${type.dynamics}.` : type.description
                }
              />
            ))
          )}
        </fieldset>
        <FormError error={error} />
        <button type="submit" className="primary" disabled={create.isPending}>
          Add endpoint
        </button>
      </form>
    </Section>
  );
}

export function WebhooksPage() {
  const endpoints = useQuery({ queryKey: ['webhooks'], queryFn: () => data(api.GET('/api/webhooks')) });
  const rows = (endpoints.data?.endpoints ?? []) as Endpoint[];
  const troubled = rows.filter((e) => e.state !== 'enabled');
  const columns: Column<Endpoint>[] = [
    {
      id: 'url',
      header: 'Endpoint',
      value: (e) => e.url,
      cell: (e) => (
        <span className="webhook-url">
          <Link href={`/webhooks/${e.id}`}>{e.description || e.url}</Link>
          {e.description ? <span className="hint">{e.url}</span> : null}
        </span>
      ),
    },
    { id: 'state', header: 'State', value: (e) => e.state, cell: (e) => <StateBadge endpoint={e} /> },
    {
      id: 'events',
      header: 'Events',
      value: (e) => e.eventTypes.length,
      cell: (e) => e.eventTypes.join(', '),
    },
    {
      id: 'success',
      header: 'Last success',
      value: (e) => e.lastSuccessAt ?? '',
      cell: (e) => (e.lastSuccessAt ? formatDateTime(e.lastSuccessAt) : 'none yet'),
    },
  ];
  return (
    <SettingsPage
      title="Webhooks"
      description="Spoor tells other systems (a CRM) what contacts do, signed per Standard Webhooks."
    >
      {troubled.map((e) => (
        <div key={e.id} className="notice warning" role="alert">
          <p>
            <strong>
              <Link href={`/webhooks/${e.id}`}>{e.description || e.url}</Link> is {e.state}.
            </strong>{' '}
            {e.stateReason}
          </p>
        </div>
      ))}
      <Section title="Endpoints">
        {endpoints.isPending ? (
          <Loading />
        ) : endpoints.isError ? (
          <ErrorState error={endpoints.error} retry={() => endpoints.refetch()} />
        ) : rows.length === 0 ? (
          <p>No endpoints yet.</p>
        ) : (
          <DataTable caption="Webhook endpoints" columns={columns} rows={rows} rowId={(e) => e.id} />
        )}
      </Section>
      <CreateEndpointForm />
    </SettingsPage>
  );
}
