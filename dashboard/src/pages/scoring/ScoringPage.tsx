// Lead scoring: the models (published version, draft, a publish under way) and a new model from a
// starting set of rules; each model's page has its editor and its overview.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useLocation } from 'wouter';
import { api, data } from '../../api/client';
import { useCanWrite } from '../../api/session';
import { type Column, DataTable } from '../../ui/DataTable';
import { EmptyState } from '../../ui/EmptyState';
import { ErrorState } from '../../ui/ErrorState';
import { FormError, TextField } from '../../ui/fields';
import { formatNumber } from '../../ui/format';
import { Loading } from '../../ui/NotFound';
import { formatDateTime, Page, Section } from '../../ui/Page';
import { decayText, type ScoringModel, STARTER } from './scoring-types';

const columns: Column<ScoringModel>[] = [
  { id: 'name', header: 'Model', value: (m) => m.name },
  {
    id: 'state',
    header: 'Now',
    value: (m) =>
      m.archived ? 'archived' : m.publishing ? 'publishing' : m.published ? 'published' : 'draft',
    cell: (m) =>
      m.archived ? (
        <span className="badge">Archived</span>
      ) : m.publishing ? (
        <span className="badge">
          Publishing {formatNumber(m.publishing.progress?.done ?? 0)} of{' '}
          {formatNumber(m.publishing.progress?.total ?? 0)}
        </span>
      ) : m.published ? (
        <span className="badge good">Published (version {m.published.number})</span>
      ) : (
        <span className="badge">Draft only</span>
      ),
  },
  {
    id: 'rules',
    header: 'Rules',
    numeric: true,
    value: (m) => (m.published ?? m.draft)?.model.rules.length ?? 0,
  },
  {
    id: 'decay',
    header: 'Decay',
    value: (m) => decayText((m.published ?? m.draft ?? m.publishing)!.model.decay),
  },
  {
    id: 'draft',
    header: 'Draft',
    value: (m) => m.draft?.updatedAt ?? '',
    cell: (m) => (m.draft ? `changed ${formatDateTime(m.draft.updatedAt)}` : '—'),
  },
];

function NewModel() {
  const queryClient = useQueryClient();
  const [, navigate] = useLocation();
  const [error, setError] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: (name: string) => data(api.POST('/api/scoring/models', { body: { name, model: STARTER } })),
    onSuccess: (model) => {
      queryClient.invalidateQueries({ queryKey: ['scoring-models'] });
      navigate(`/${model.id}`);
    },
    onError: (thrown) => setError(thrown.message),
  });
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const name = String(new FormData(event.currentTarget).get('name') ?? '').trim();
    if (!name) return setError('Name the model (a product line, say).');
    setError(null);
    create.mutate(name);
  }
  return (
    <Section title="New model">
      <form onSubmit={submit} className="inline-form">
        <TextField
          label="Name"
          name="name"
          maxLength={200}
          required
          hint="It starts with common rules you can change before publishing."
        />
        <FormError error={error} />
        <button type="submit" className="primary" disabled={create.isPending}>
          Create a draft
        </button>
      </form>
    </Section>
  );
}

export function ScoringPage() {
  const canWrite = useCanWrite('contacts');
  const models = useQuery({
    queryKey: ['scoring-models'],
    queryFn: () => data(api.GET('/api/scoring/models')),
    refetchInterval: (query) => (query.state.data?.models.some((m) => m.publishing) ? 2000 : false),
  });
  return (
    <Page
      title="Lead scoring"
      description="Models turn interactions into points; grades and a sales-ready threshold tell sales whom to call."
    >
      <Section title="Models">
        {models.isPending ? (
          <Loading />
        ) : models.isError ? (
          <ErrorState error={models.error} retry={() => models.refetch()} />
        ) : models.data.models.length === 0 ? (
          <EmptyState title="No scoring model yet">
            <p>Create one below: one per product line if you sell several.</p>
          </EmptyState>
        ) : (
          <DataTable
            caption="Scoring models"
            columns={columns}
            rows={models.data.models}
            rowId={(m) => m.id}
            rowHref={(m) => `/${m.id}`}
          />
        )}
      </Section>
      {canWrite ? <NewModel /> : null}
    </Page>
  );
}
