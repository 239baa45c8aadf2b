// The contact page's scores: each published model's score and grade, the sentence that explains it, its
// parts, the sales-ready status with its history; marketers adjust by hand (with a reason) or clear it.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, data } from '../../api/client';
import { useCanWrite } from '../../api/session';
import { ErrorState } from '../../ui/ErrorState';
import { FormError, TextField } from '../../ui/fields';
import { formatNumber } from '../../ui/format';
import { Loading } from '../../ui/NotFound';
import { formatDateTime, Section } from '../../ui/Page';
import type { ContactScore } from './scoring-types';
import './scoring.css';

function Adjust({ contactId, score }: { contactId: string; score: ContactScore }) {
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const adjust = useMutation({
    mutationFn: (body: { points: number; reason: string }) =>
      data(
        api.POST('/api/contacts/{id}/scores/{modelId}/adjustments', {
          params: { path: { id: contactId, modelId: score.modelId } },
          body,
        }),
      ),
    onSuccess: () => {
      setOpen(false);
      // The score's change (and becoming sales-ready) also shows in the timeline.
      queryClient.invalidateQueries({ queryKey: ['contact-scores', contactId] });
      queryClient.invalidateQueries({ queryKey: ['contact-history', contactId] });
    },
    onError: (thrown) => setError(thrown.message),
  });
  if (!open)
    return (
      <button type="button" onClick={() => setOpen(true)}>
        Adjust…
      </button>
    );
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const points = Number(form.get('points'));
    const reason = String(form.get('reason') ?? '').trim();
    if (!Number.isInteger(points) || points === 0)
      return setError('Points: a whole number, not 0 (negative takes away).');
    if (!reason) return setError('Say why, for whoever reads this score later.');
    setError(null);
    adjust.mutate({ points, reason });
  }
  return (
    <form className="score-adjust" onSubmit={submit} aria-label={`Adjust the ${score.modelName} score`}>
      <TextField label="Points" name="points" type="number" step={1} required />
      <TextField label="Reason" name="reason" maxLength={500} required />
      <FormError error={error} />
      <div className="page-actions">
        <button type="submit" className="primary" disabled={adjust.isPending}>
          Add to the score
        </button>
        <button type="button" onClick={() => setOpen(false)}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function OneScore({ contactId, score }: { contactId: string; score: ContactScore }) {
  const queryClient = useQueryClient();
  const canWrite = useCanWrite('contacts');
  const clear = useMutation({
    mutationFn: () =>
      data(
        api.POST('/api/contacts/{id}/scores/{modelId}/clear-sales-ready', {
          params: { path: { id: contactId, modelId: score.modelId } },
          body: {},
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['contact-scores', contactId] }),
  });
  return (
    <article className="score-card" aria-label={`${score.modelName} score`}>
      <div className="score-head">
        <h3>{score.modelName}</h3>
        <p className="score-value">
          {formatNumber(score.score)}
          {score.grade ? <span className="badge">Grade {score.grade}</span> : null}
          {score.salesReady ? <span className="badge good">Sales-ready</span> : null}
        </p>
      </div>
      <p className="score-explanation">{score.explanation.text}</p>
      {score.explanation.parts.length > 0 ? (
        <table className="score-parts">
          <caption className="visually-hidden">What makes up the {score.modelName} score</caption>
          <thead>
            <tr>
              <th scope="col">Why</th>
              <th scope="col" className="numeric">
                Times
              </th>
              <th scope="col" className="numeric">
                Points now
              </th>
            </tr>
          </thead>
          <tbody>
            {score.explanation.parts.map((part) => (
              <tr key={`${part.ruleId ?? 'manual'}-${part.label}`}>
                <td>{part.label}</td>
                <td className="numeric">{formatNumber(part.awards)}</td>
                <td className="numeric">{part.points}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {score.salesReadyHistory.length > 0 ? (
        <ul className="plain score-history">
          {score.salesReadyHistory.map((h) => (
            <li key={`${h.at}-${h.change}`}>
              {h.change === 'became' ? 'Became sales-ready' : 'Sales-ready cleared'} {formatDateTime(h.at)} at{' '}
              {formatNumber(h.score)}
              {h.author ? ` by ${h.author}` : ''}
              {h.reason ? ` (${h.reason})` : ''}
            </li>
          ))}
        </ul>
      ) : null}
      {canWrite ? (
        <div className="page-actions">
          <Adjust contactId={contactId} score={score} />
          {score.salesReady ? (
            <button type="button" onClick={() => clear.mutate()} disabled={clear.isPending}>
              Clear sales-ready
            </button>
          ) : null}
        </div>
      ) : null}
    </article>
  );
}

export function ScorePanel({ contactId }: { contactId: string }) {
  const scores = useQuery({
    queryKey: ['contact-scores', contactId],
    queryFn: () => data(api.GET('/api/contacts/{id}/scores', { params: { path: { id: contactId } } })),
  });
  return (
    <Section title="Lead scores">
      {scores.isPending ? (
        <Loading />
      ) : scores.isError ? (
        <ErrorState error={scores.error} retry={() => scores.refetch()} />
      ) : scores.data.scores.length === 0 ? (
        <p>No scoring model is published yet.</p>
      ) : (
        <div className="score-cards">
          {scores.data.scores.map((score) => (
            <OneScore key={score.modelId} contactId={contactId} score={score} />
          ))}
        </div>
      )}
    </Section>
  );
}
