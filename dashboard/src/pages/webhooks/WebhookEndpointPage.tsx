// One webhook endpoint: its health, a test send, pause/resume, secret rotation (the new secret shown
// once), and the delivery log with each delivery's attempts and replay.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useLocation } from 'wouter';
import { api, data } from '../../api/client';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { type Column, DataTable } from '../../ui/DataTable';
import { ErrorState } from '../../ui/ErrorState';
import { FormError, TextField } from '../../ui/fields';
import { Loading } from '../../ui/NotFound';
import { formatDateTime, Section } from '../../ui/Page';
import { SecretOnce } from '../../ui/SecretOnce';
import { SettingsPage } from '../settings/SettingsPage';
import { type Endpoint, StateBadge } from './webhook-parts';

interface Delivery {
  id: string;
  eventType: string;
  contactId: string;
  state: 'pending' | 'delivered' | 'failed';
  attempts: number;
  createdAt: string;
  nextAttemptAt: string | null;
  lastStatus: number | null;
  lastError: string | null;
}

const when = (value: string | null, otherwise = '—') => (value ? formatDateTime(value) : otherwise);

function Attempts({ endpointId, deliveryId }: { endpointId: string; deliveryId: string }) {
  const detail = useQuery({
    queryKey: ['webhook-delivery', deliveryId],
    queryFn: () =>
      data(
        api.GET('/api/webhooks/{id}/deliveries/{deliveryId}', {
          params: { path: { id: endpointId, deliveryId } },
        }),
      ),
  });
  if (detail.isPending) return <Loading />;
  if (detail.isError) return <ErrorState error={detail.error} retry={() => detail.refetch()} />;
  return (
    <Section title={`Attempts of ${deliveryId}`}>
      <ol className="webhook-attempts">
        {detail.data.attemptLog.map((a) => (
          <li key={a.attemptedAt}>
            <strong>{formatDateTime(a.attemptedAt)}</strong> — {a.status ?? 'no answer'} in {a.durationMs} ms
            {a.error ? <span className="hint"> {a.error}</span> : null}
            {a.responseBody ? <pre>{a.responseBody}</pre> : null}
          </li>
        ))}
      </ol>
      <details>
        <summary>Body sent</summary>
        <pre>{JSON.stringify(detail.data.payload, null, 2)}</pre>
      </details>
    </Section>
  );
}

export function WebhookEndpointPage({ id }: { id: string }) {
  const queryClient = useQueryClient();
  const [, navigate] = useLocation();
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [deleting, setDeleting] = useState(false);
  const path = { params: { path: { id } } };
  const endpoint = useQuery({
    queryKey: ['webhooks', id],
    queryFn: () => data(api.GET('/api/webhooks/{id}', path)),
  });
  const deliveries = useQuery({
    queryKey: ['webhooks', id, 'deliveries'],
    queryFn: () =>
      data(api.GET('/api/webhooks/{id}/deliveries', { params: { path: { id }, query: { limit: 100 } } })),
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['webhooks'] });
  const act = useMutation({
    mutationFn: async (action: () => Promise<string>) => action(),
    onSuccess: (text) => {
      setError(null);
      setMessage(text);
      refresh();
    },
    onError: (thrown) => setError(thrown.message),
  });
  if (endpoint.isPending) return <Loading />;
  if (endpoint.isError) return <ErrorState error={endpoint.error} retry={() => endpoint.refetch()} />;
  const e = endpoint.data as Endpoint & typeof endpoint.data;

  const test = () =>
    act.mutate(async () => {
      const r = await data(api.POST('/api/webhooks/{id}/test', path));
      return r.delivered
        ? `Test delivered: ${r.status} in ${r.durationMs} ms.`
        : `Test not delivered: ${r.error ?? `answered ${r.status}`}.`;
    });
  const setState = (state: 'enabled' | 'paused') =>
    act.mutate(async () => {
      await data(api.PATCH('/api/webhooks/{id}', { ...path, body: { state } }));
      return state === 'enabled' ? 'Enabled: waiting deliveries go out in order.' : 'Paused.';
    });
  const rotate = () =>
    act.mutate(async () => {
      const r = await data(
        api.POST('/api/webhooks/{id}/rotate-secret', { ...path, body: { overlapHours: 24 } }),
      );
      setSecret(r.secret);
      return 'New secret made; the old one signs too for 24 hours.';
    });
  const replay = (deliveryId: string) =>
    act.mutate(async () => {
      await data(
        api.POST('/api/webhooks/{id}/deliveries/{deliveryId}/replay', {
          params: { path: { id, deliveryId } },
        }),
      );
      return `Delivery ${deliveryId} will be sent again.`;
    });
  function replaySince(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const since = String(new FormData(event.currentTarget).get('since') ?? '');
    act.mutate(async () => {
      const r = await data(
        api.POST('/api/webhooks/{id}/replay', { ...path, body: { since: new Date(since).toISOString() } }),
      );
      return `${r.replayed} failed ${r.replayed === 1 ? 'delivery' : 'deliveries'} will be sent again.`;
    });
  }

  const columns: Column<Delivery>[] = [
    { id: 'created', header: 'Created', value: (d) => d.createdAt, cell: (d) => formatDateTime(d.createdAt) },
    { id: 'type', header: 'Event', value: (d) => d.eventType },
    {
      id: 'state',
      header: 'State',
      value: (d) => d.state,
      cell: (d) => (
        <span className={`badge ${d.state === 'delivered' ? 'good' : d.state === 'failed' ? 'bad' : ''}`}>
          {d.state}
        </span>
      ),
    },
    {
      id: 'attempts',
      header: 'Attempts',
      value: (d) => d.attempts,
      cell: (d) => {
        const tries = d.attempts === 1 ? '1 try' : `${d.attempts} tries`;
        const last = d.lastStatus ? `, last answered ${d.lastStatus}` : d.lastError ? ', no answer' : '';
        const text = `${tries}${last}`;
        return (
          <button
            type="button"
            className="link"
            onClick={() => setSelected(d.id)}
            aria-label={`${text}: attempts of ${d.id}`}
          >
            {text}
          </button>
        );
      },
    },
    {
      id: 'next',
      header: 'Next try',
      value: (d) => d.nextAttemptAt ?? '',
      cell: (d) => when(d.nextAttemptAt),
    },
    {
      id: 'replay',
      header: 'Replay',
      cell: (d) => (
        <button type="button" onClick={() => replay(d.id)} aria-label={`Replay ${d.id}`}>
          Replay
        </button>
      ),
    },
  ];

  return (
    <SettingsPage title={e.description || 'Webhook endpoint'} description={e.url}>
      {e.state !== 'enabled' ? (
        <div className="notice warning" role="alert">
          <p>
            <strong>This endpoint is {e.state}.</strong> {e.stateReason}
          </p>
        </div>
      ) : null}
      {message ? (
        <div className="notice success" role="status">
          <p>{message}</p>
        </div>
      ) : null}
      {secret ? (
        <SecretOnce
          heading="Copy the new secret now:"
          value={secret}
          copyLabel="Copy secret"
          testId="new-webhook-secret"
          onDone={() => setSecret(null)}
        />
      ) : null}
      <FormError error={error} />
      <Section
        title="Health"
        actions={
          <>
            <button type="button" onClick={test} disabled={act.isPending}>
              Send a test
            </button>
            {e.state === 'enabled' ? (
              <button type="button" onClick={() => setState('paused')}>
                Pause
              </button>
            ) : (
              <button type="button" className="primary" onClick={() => setState('enabled')}>
                Enable
              </button>
            )}
            <button type="button" onClick={rotate}>
              Rotate secret
            </button>
            <button type="button" className="danger" onClick={() => setDeleting(true)}>
              Delete
            </button>
          </>
        }
      >
        <dl className="webhook-health">
          <dt>State</dt>
          <dd>
            <StateBadge endpoint={e} />
          </dd>
          <dt>Failing since</dt>
          <dd>{when(e.failingSince, 'not failing')}</dd>
          <dt>Last success</dt>
          <dd>{when(e.lastSuccessAt, 'none yet')}</dd>
          <dt>Deliveries</dt>
          <dd>
            {e.deliveries.pending} pending, {e.deliveries.delivered} delivered, {e.deliveries.failed} failed
          </dd>
          <dt>Events</dt>
          <dd>{e.eventTypes.join(', ')}</dd>
          <dt>Secrets</dt>
          <dd>
            {e.secrets
              .map((s) => (s.expiresAt ? `${s.hint} (until ${formatDateTime(s.expiresAt)})` : s.hint))
              .join(', ')}
          </dd>
        </dl>
      </Section>
      <Section title="Deliveries">
        {deliveries.isPending ? (
          <Loading />
        ) : deliveries.isError ? (
          <ErrorState error={deliveries.error} retry={() => deliveries.refetch()} />
        ) : deliveries.data.deliveries.length === 0 ? (
          <p>No deliveries yet.</p>
        ) : (
          <DataTable
            caption="Deliveries, newest first"
            columns={columns}
            rows={deliveries.data.deliveries as Delivery[]}
            rowId={(d) => d.id}
          />
        )}
        <form className="inline-form" onSubmit={replaySince}>
          <TextField label="Replay every failed delivery since" name="since" type="datetime-local" required />
          <button type="submit">Replay failed</button>
        </form>
      </Section>
      {selected ? <Attempts endpointId={id} deliveryId={selected} /> : null}
      <ConfirmDialog
        open={deleting}
        title="Delete this endpoint?"
        confirmLabel="Delete"
        danger
        onClose={() => setDeleting(false)}
        onConfirm={async () => {
          await api.DELETE('/api/webhooks/{id}', path);
          await refresh();
          navigate('/webhooks');
        }}
      >
        <p>Deliveries not yet made are dropped with it.</p>
      </ConfirmDialog>
    </SettingsPage>
  );
}
