// One scoring model: its overview (contacts per grade, score distribution, sales-ready over time, the
// sales-ready list and its CSV), and for marketers the editor of its draft with preview and publish.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError, api, data } from '../../api/client';
import { useCanWrite } from '../../api/session';
import { inApp } from '../../ui/app-path';
import { type Column, DataTable } from '../../ui/DataTable';
import { ErrorState } from '../../ui/ErrorState';
import { FormError, SelectField, TextField } from '../../ui/fields';
import { formatNumber } from '../../ui/format';
import { Loading } from '../../ui/NotFound';
import { formatDateTime, Page, Section } from '../../ui/Page';
import { TimeChart } from '../../ui/TimeChart';
import {
  CONDITIONS,
  type Condition,
  decayText,
  type ModelSpec,
  type Rule,
  type ScoringModel,
} from './scoring-types';
import './scoring.css';

type SalesReady = {
  contactId: string;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  company: string | null;
  score: number;
  grade: string | null;
  salesReadySince: string;
};

const readyColumns: Column<SalesReady>[] = [
  {
    id: 'who',
    header: 'Contact',
    value: (c) => [c.firstName, c.lastName].filter(Boolean).join(' ') || c.email || c.contactId,
  },
  { id: 'company', header: 'Company', value: (c) => c.company ?? '' },
  { id: 'score', header: 'Score', numeric: true, value: (c) => c.score },
  { id: 'grade', header: 'Grade', value: (c) => c.grade ?? '' },
  {
    id: 'since',
    header: 'Sales-ready since',
    value: (c) => c.salesReadySince,
    cell: (c) => formatDateTime(c.salesReadySince),
  },
];

function Overview({ model }: { model: ScoringModel }) {
  const insights = useQuery({
    queryKey: ['scoring-insights', model.id],
    queryFn: () =>
      data(
        api.GET('/api/scoring/models/{id}/insights', {
          params: { path: { id: model.id }, query: { days: 30 } },
        }),
      ),
  });
  const ready = useQuery({
    queryKey: ['scoring-sales-ready', model.id],
    queryFn: () =>
      data(
        api.GET('/api/scoring/models/{id}/sales-ready', {
          params: { path: { id: model.id }, query: { limit: 500 } },
        }),
      ),
  });
  if (!model.published) return <p>Publish the model to start scoring contacts.</p>;
  if (insights.isPending) return <Loading />;
  if (insights.isError) return <ErrorState error={insights.error} retry={() => insights.refetch()} />;
  const i = insights.data;
  const most = Math.max(1, ...i.grades.map((g) => g.contacts));
  return (
    <>
      <Section title="Contacts per grade">
        <ul className="grade-bars plain" aria-label="Contacts per grade">
          {i.grades.map((g) => (
            <li className="grade-bar" key={g.grade ?? 'none'}>
              <span>{g.grade ?? 'No grade'}</span>
              <span className="bar" style={{ width: `${(g.contacts / most) * 100}%` }} aria-hidden="true" />
              <span className="numeric">{formatNumber(g.contacts)}</span>
            </li>
          ))}
        </ul>
        <p className="as-of">
          {formatNumber(i.scored)} {i.scored === 1 ? 'contact' : 'contacts'} scored. Score distribution
          (10-point steps):{' '}
          {i.distribution.map((d) => `${d.from}–${d.from + 9}: ${formatNumber(d.contacts)}`).join(' · ') ||
            'none yet'}
          .
        </p>
      </Section>
      <Section title="Sales-ready over time">
        <TimeChart
          title="Sales-ready contacts per day, last 30 days"
          times={i.salesReadyOverTime.map((d) => d.day)}
          series={[
            { label: 'Sales-ready', values: i.salesReadyOverTime.map((d) => d.salesReady) },
            { label: 'Became sales-ready', values: i.salesReadyOverTime.map((d) => d.became) },
          ]}
          height={200}
        />
      </Section>
      <Section
        title="Sales-ready contacts"
        actions={
          <a
            className="button"
            href={`/api/scoring/models/${encodeURIComponent(model.id)}/sales-ready.csv`}
            download
          >
            Export (CSV)
          </a>
        }
      >
        {ready.isPending ? (
          <Loading />
        ) : ready.isError ? (
          <ErrorState error={ready.error} retry={() => ready.refetch()} />
        ) : (
          <DataTable
            caption="Sales-ready contacts"
            columns={readyColumns}
            rows={ready.data.contacts}
            rowId={(c) => c.contactId}
            rowHref={(c) => inApp(`/contacts/${c.contactId}`)}
            empty={<p>No contact is sales-ready yet.</p>}
          />
        )}
      </Section>
    </>
  );
}

const conditionFor = (type: Condition['type'], value: string): Condition => {
  const meta = CONDITIONS.find((c) => c.type === type);
  if (type === 'contact_field')
    return { type, field: 'job_title', operator: 'contains', value: value || 'director' };
  if (type === 'page_visit') return { type, urlPattern: value || '/*' };
  if (type === 'engaged_time') return { type, seconds: Number(value) || 30 };
  if (!meta?.param || value === '') return { type } as Condition;
  return { type, [meta.param.key]: value } as Condition;
};
const paramOf = (condition: Condition): string => {
  const meta = CONDITIONS.find((c) => c.type === condition.type);
  if (!meta?.param) return '';
  const value = (condition as Record<string, unknown>)[meta.param.key];
  return value === undefined || value === null ? '' : String(value);
};

function RuleRow({
  rule,
  index,
  problems,
  onChange,
  onRemove,
}: {
  rule: Rule;
  index: number;
  problems: Record<string, string>;
  onChange: (rule: Rule) => void;
  onRemove: () => void;
}) {
  const meta = CONDITIONS.find((c) => c.type === rule.condition.type);
  const at = `rules.${index}`;
  return (
    <fieldset className="rule-row">
      <legend className="visually-hidden">Rule {index + 1}</legend>
      <TextField
        label="Rule"
        value={rule.name}
        error={problems[`${at}.name`]}
        onChange={(e) => onChange({ ...rule, name: e.target.value })}
      />
      <SelectField
        label="When the contact"
        value={rule.condition.type}
        options={CONDITIONS.map((c) => ({ value: c.type, label: c.label }))}
        onChange={(e) =>
          onChange({ ...rule, condition: conditionFor(e.target.value as Condition['type'], '') })
        }
      />
      {meta?.param ? (
        <TextField
          label={rule.condition.type === 'contact_field' ? 'Job title contains' : meta.param.label}
          value={paramOf(rule.condition)}
          error={problems[`${at}.condition`]}
          onChange={(e) =>
            onChange({ ...rule, condition: conditionFor(rule.condition.type, e.target.value) })
          }
        />
      ) : null}
      <TextField
        label="Points"
        type="number"
        step={1}
        value={String(rule.points)}
        error={problems[`${at}.points`]}
        onChange={(e) => onChange({ ...rule, points: Number(e.target.value) })}
      />
      <SelectField
        label="Counts"
        value={rule.frequency}
        options={[
          { value: 'each', label: 'Each time' },
          { value: 'first', label: 'First time only' },
        ]}
        onChange={(e) => onChange({ ...rule, frequency: e.target.value as Rule['frequency'] })}
      />
      <TextField
        label="At most per day"
        type="number"
        min={1}
        value={rule.maxPerDay == null ? '' : String(rule.maxPerDay)}
        error={problems[`${at}.maxPerDay`]}
        onChange={(e) =>
          onChange({ ...rule, maxPerDay: e.target.value === '' ? null : Number(e.target.value) })
        }
      />
      <button type="button" className="remove" onClick={onRemove}>
        Remove rule
      </button>
    </fieldset>
  );
}

function Editor({ model }: { model: ScoringModel }) {
  const queryClient = useQueryClient();
  const base = model.draft ?? model.published ?? model.publishing;
  const [spec, setSpec] = useState<ModelSpec>(() => structuredClone(base!.model));
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['scoring-model', model.id] });
  const failed = (thrown: Error) => {
    setStatus(null);
    setError(thrown.message);
    setProblems(
      ((thrown instanceof ApiError ? thrown.details : undefined)?.['fields'] as Record<string, string>) ?? {},
    );
  };
  const save = useMutation({
    mutationFn: () =>
      data(
        api.PUT('/api/scoring/models/{id}/draft', {
          params: { path: { id: model.id } },
          body: { model: spec },
        }),
      ),
    onSuccess: () => {
      setError(null);
      setProblems({});
      setStatus('Draft saved.');
      refresh();
    },
    onError: failed,
  });
  const preview = useMutation({
    mutationFn: async () => {
      await data(
        api.PUT('/api/scoring/models/{id}/draft', {
          params: { path: { id: model.id } },
          body: { model: spec },
        }),
      );
      return data(api.POST('/api/scoring/models/{id}/preview', { params: { path: { id: model.id } } }));
    },
    onSuccess: (p) => {
      setError(null);
      setProblems({});
      setStatus(
        `Publishing this draft would change ${formatNumber(p.changed)} of ${formatNumber(p.contacts)} scores; ${formatNumber(p.becomeSalesReady)} contacts would become sales-ready.`,
      );
      refresh();
    },
    onError: failed,
  });
  const publish = useMutation({
    mutationFn: async () => {
      await data(
        api.PUT('/api/scoring/models/{id}/draft', {
          params: { path: { id: model.id } },
          body: { model: spec },
        }),
      );
      return data(api.POST('/api/scoring/models/{id}/publish', { params: { path: { id: model.id } } }));
    },
    onSuccess: () => {
      setError(null);
      setStatus('Publishing: every contact is being recomputed; scoring goes on meanwhile.');
      refresh();
      queryClient.invalidateQueries({ queryKey: ['scoring-models'] });
    },
    onError: failed,
  });
  const setRule = (index: number, rule: Rule) =>
    setSpec({ ...spec, rules: spec.rules.map((r, i) => (i === index ? rule : r)) });
  const busy = save.isPending || preview.isPending || publish.isPending || model.publishing !== null;
  return (
    <>
      <Section title="Rules">
        {spec.rules.map((rule, index) => (
          <RuleRow
            key={rule.id}
            rule={rule}
            index={index}
            problems={problems}
            onChange={(changed) => setRule(index, changed)}
            onRemove={() => setSpec({ ...spec, rules: spec.rules.filter((_, i) => i !== index) })}
          />
        ))}
        <button
          type="button"
          onClick={() =>
            setSpec({
              ...spec,
              rules: [
                ...spec.rules,
                {
                  id: `rule-${Date.now().toString(36)}`,
                  name: 'New rule',
                  condition: { type: 'email_opened' },
                  points: 1,
                  frequency: 'each',
                },
              ],
            })
          }
        >
          Add a rule
        </button>
      </Section>
      <Section title="Decay, grades and sales-ready">
        <div className="model-settings">
          <SelectField
            label="Decay"
            value={spec.decay.type}
            options={[
              { value: 'none', label: 'Points never expire' },
              { value: 'expiry', label: 'Points expire after a window' },
              { value: 'half_life', label: 'Points halve over a half-life' },
            ]}
            onChange={(e) => {
              const type = e.target.value as ModelSpec['decay']['type'];
              setSpec({
                ...spec,
                decay:
                  type === 'none' ? { type } : { type, days: 'days' in spec.decay ? spec.decay.days : 90 },
              });
            }}
          />
          {spec.decay.type !== 'none' ? (
            <TextField
              label={spec.decay.type === 'expiry' ? 'Window (days)' : 'Half-life (days)'}
              type="number"
              min={1}
              value={String(spec.decay.days)}
              error={problems['decay.days']}
              onChange={(e) =>
                setSpec({
                  ...spec,
                  decay: { type: spec.decay.type as 'expiry', days: Number(e.target.value) },
                })
              }
            />
          ) : null}
          <TextField
            label="Sales-ready at"
            type="number"
            value={spec.salesReadyThreshold === null ? '' : String(spec.salesReadyThreshold)}
            hint="Empty: no threshold"
            onChange={(e) =>
              setSpec({ ...spec, salesReadyThreshold: e.target.value === '' ? null : Number(e.target.value) })
            }
          />
          {spec.grades.map((grade, index) => (
            <TextField
              key={grade.name}
              label={`Grade ${grade.name} from`}
              type="number"
              value={String(grade.min)}
              error={problems[`grades.${index}.min`]}
              onChange={(e) =>
                setSpec({
                  ...spec,
                  grades: spec.grades.map((g, i) =>
                    i === index ? { ...g, min: Number(e.target.value) } : g,
                  ),
                })
              }
            />
          ))}
        </div>
        <p className="as-of">
          {decayText(spec.decay)}. Grades run from their score up to the next grade’s; the lowest takes every
          score below.
        </p>
      </Section>
      <FormError error={error} />
      {status ? (
        <p className="notice success" role="status">
          {status}
        </p>
      ) : null}
      <div className="page-actions">
        <button type="button" onClick={() => save.mutate()} disabled={busy}>
          Save draft
        </button>
        <button type="button" onClick={() => preview.mutate()} disabled={busy}>
          Preview
        </button>
        <button type="button" className="primary" onClick={() => publish.mutate()} disabled={busy}>
          Publish
        </button>
      </div>
    </>
  );
}

export function ModelPage({ id }: { id: string }) {
  const canWrite = useCanWrite('contacts');
  const model = useQuery({
    queryKey: ['scoring-model', id],
    queryFn: () => data(api.GET('/api/scoring/models/{id}', { params: { path: { id } } })),
    refetchInterval: (query) => (query.state.data?.publishing ? 2000 : false),
  });
  if (model.isPending) return <Loading />;
  if (model.isError) return <ErrorState error={model.error} retry={() => model.refetch()} />;
  const m = model.data;
  const progress = m.publishing?.progress;
  return (
    <Page
      title={m.name}
      description={
        m.publishing
          ? `Publishing version ${m.publishing.number}: ${formatNumber(progress?.done ?? 0)} of ${formatNumber(progress?.total ?? 0)} contacts recomputed`
          : m.published
            ? `Version ${m.published.number}, published ${formatDateTime(m.published.publishedAt ?? m.published.createdAt)}${m.draft ? ' · a draft is waiting' : ''}`
            : 'Not published yet'
      }
    >
      <Overview model={m} />
      {canWrite && !m.archived ? <Editor key={`${m.draft?.id ?? m.published?.id}`} model={m} /> : null}
    </Page>
  );
}
