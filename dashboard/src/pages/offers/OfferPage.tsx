// One offer: its terms, the tag to put in a message, its insights (delivered, people who followed their
// link, claims, what was refused and why, what is left) and withdrawing it.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, data } from '../../api/client';
import { useCanWrite } from '../../api/session';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { CopyButton } from '../../ui/CopyButton';
import { ErrorState } from '../../ui/ErrorState';
import { formatNumber, formatPercent } from '../../ui/format';
import { Loading } from '../../ui/NotFound';
import { formatDateTime, Page, Section } from '../../ui/Page';
import { Stat } from '../../ui/Stat';
import { CLOSED_STATE_URLS, REASON_LABELS, STATE_BADGE, STATE_LABELS } from './offer-labels';
import './offers.css';

export function OfferPage({ id }: { id: string }) {
  const canWrite = useCanWrite('email');
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const path = { params: { path: { id } } };
  const offer = useQuery({
    queryKey: ['offers', id],
    queryFn: () => data(api.GET('/api/offers/{id}', path)),
  });
  const insights = useQuery({
    queryKey: ['offers', id, 'insights'],
    queryFn: () => data(api.GET('/api/offers/{id}/insights', path)),
  });
  const withdraw = useMutation({
    mutationFn: () => data(api.POST('/api/offers/{id}/withdraw', path)),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['offers'] }),
  });
  if (offer.isPending) return <Loading />;
  if (offer.isError) return <ErrorState error={offer.error} retry={() => offer.refetch()} />;
  const o = offer.data;
  const urls: [string, string | null][] = [
    ['Claim', o.claimUrl],
    ...CLOSED_STATE_URLS.map(({ name, state }): [string, string | null] => [
      STATE_LABELS[state] ?? state,
      o[name],
    ]),
  ];
  return (
    <Page
      title={o.name}
      description={
        <span className={STATE_BADGE[o.state] ?? 'badge'}>{STATE_LABELS[o.state] ?? o.state}</span>
      }
      actions={
        canWrite && o.withdrawnAt === null ? (
          <button type="button" className="danger" onClick={() => setConfirming(true)}>
            Withdraw
          </button>
        ) : null
      }
    >
      <Section title="Insights">
        {insights.isPending ? (
          <Loading />
        ) : insights.isError ? (
          <ErrorState error={insights.error} retry={() => insights.refetch()} />
        ) : (
          <>
            <div className="stats-row">
              <Stat label="Delivered" kind="contacts" value={insights.data.delivered} />
              <Stat label="Unique clickers" kind="people" value={insights.data.uniqueClickers} />
              <Stat label="Claimed" kind="claims" value={insights.data.claimed} />
              {insights.data.remaining === null ? null : (
                <Stat label="Remaining" kind="claims" value={insights.data.remaining} />
              )}
            </div>
            <p>
              Claim rate:{' '}
              <strong>
                {insights.data.claimRate === null
                  ? 'no deliveries yet'
                  : formatPercent(insights.data.claimRate)}
              </strong>{' '}
              (contacts holding a claim ÷ delivered).
            </p>
            <div className="table-wrap">
              <table className="offer-refusals">
                <caption>Follows that took no claim, by reason</caption>
                <thead>
                  <tr>
                    <th scope="col">Reason</th>
                    <th scope="col" className="number">
                      Follows
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {Object.entries(insights.data.refused).map(([reason, count]) => (
                    <tr key={reason}>
                      <th scope="row">{REASON_LABELS[reason] ?? reason}</th>
                      <td className="number">{formatNumber(count)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )}
      </Section>
      <Section title="In a message">
        <p>Put this tag in a link of a message: each recipient gets a link of their own.</p>
        <p className="offer-tag">
          <code>{o.tag}</code>{' '}
          <CopyButton value={`<a href='${o.tag}'>Claim the offer</a>`} label="Copy link HTML" />
        </p>
      </Section>
      <Section title="Terms">
        <dl className="values">
          <div>
            <dt>Valid</dt>
            <dd>
              {o.startsAt.replace('T', ' ')} to {o.endsAt.replace('T', ' ')} ({o.timeZone})
            </dd>
          </div>
          <div>
            <dt>Claims</dt>
            <dd>
              {o.claimLimit === null ? 'No total limit' : `${formatNumber(o.claimLimit)} in all`},{' '}
              {formatNumber(o.perContactLimit)} per contact
            </dd>
          </div>
          {o.withdrawnAt ? (
            <div>
              <dt>Withdrawn</dt>
              <dd>{formatDateTime(o.withdrawnAt)}</dd>
            </div>
          ) : null}
          {urls.map(([label, url]) => (
            <div key={label}>
              <dt>{label} URL</dt>
              <dd>{url ?? "Spoor's own page"}</dd>
            </div>
          ))}
        </dl>
      </Section>
      <ConfirmDialog
        open={confirming}
        title="Withdraw this offer?"
        confirmLabel="Withdraw"
        danger
        onConfirm={async () => {
          await withdraw.mutateAsync();
          setConfirming(false);
        }}
        onClose={() => setConfirming(false)}
      >
        From now on its links claim nothing and lead to its withdrawn URL. This cannot be undone.
      </ConfirmDialog>
    </Page>
  );
}
