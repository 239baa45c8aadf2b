// One address on the suppression list: whether it is suppressed now, why, since and until when, which
// listing this is, the contact, and every listing and lift before with where it came from (the send, and
// whether the server said so while sending, in a delivery report, a complaint report or a webhook).
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'wouter';
import { api, data } from '../../api/client';
import { useCanWrite } from '../../api/session';
import { inApp } from '../../ui/app-path';
import { ErrorState } from '../../ui/ErrorState';
import { Loading } from '../../ui/NotFound';
import { formatDateTime, Page, Section } from '../../ui/Page';
import { categoryLabel, labelOf, SUPPRESSION_REASON_LABELS, VIA_LABELS } from '../emails/outcome-labels';
import { COMPLAINT_IS_PERMANENT, LiftDialog } from './LiftDialog';
import { ordinal, untilText } from './suppression-text';

export function SuppressionPage({ email }: { email: string }) {
  const canLift = useCanWrite('email');
  const [lifting, setLifting] = useState<string | null>(null);
  const [lifted, setLifted] = useState(false);
  const suppression = useQuery({
    queryKey: ['suppression', email],
    queryFn: () => data(api.GET('/api/suppressions/{email}', { params: { path: { email } } })),
    retry: false,
  });
  if (suppression.isPending) return <Loading />;
  if (suppression.isError)
    return (
      <Page title={email}>
        <ErrorState error={suppression.error} />
        <p>
          <Link href="/">Back to the suppression list</Link>
        </p>
      </Page>
    );
  const s = suppression.data;
  const current = s.current;
  const complaint = current?.reason === 'complaint';
  return (
    <Page
      title={s.email}
      description={
        current
          ? `Suppressed ${current.until === null ? 'for good' : `until ${formatDateTime(current.until)}`}`
          : 'Not suppressed: it may be emailed.'
      }
      actions={
        <>
          <Link className="button" href="/">
            Suppression list
          </Link>
          {canLift && current && !complaint ? (
            <button type="button" onClick={() => setLifting(s.email)}>
              Lift suppression…
            </button>
          ) : null}
        </>
      }
    >
      {lifted ? (
        <p className="notice success" role="status">
          The suppression is lifted: later sends attempt the address.
        </p>
      ) : null}
      <Section title="Now">
        {current ? (
          <dl className="facts">
            <dt>Reason</dt>
            <dd>{labelOf(SUPPRESSION_REASON_LABELS, current.reason)}</dd>
            {current.category && current.category !== 'complaint' ? (
              <>
                <dt>Category</dt>
                <dd>{categoryLabel(current.category)}</dd>
              </>
            ) : null}
            <dt>Since</dt>
            <dd>{formatDateTime(current.since)}</dd>
            <dt>Until</dt>
            <dd>{untilText(current.until)}</dd>
            {complaint ? null : (
              <>
                <dt>Listing</dt>
                <dd>The {ordinal(current.listing)} (7, 14, 30, then 180 days with each repeat)</dd>
              </>
            )}
            {current.detail ? (
              <>
                <dt>The server said</dt>
                <dd>
                  <code>{current.detail}</code>
                </dd>
              </>
            ) : null}
            {current.sendId ? (
              <>
                <dt>Email</dt>
                <dd>
                  <Link href={inApp(`/emails/sends/${current.sendId}`)}>The send it happened on</Link>
                </dd>
              </>
            ) : null}
            <dt>Contact</dt>
            <dd>
              {s.contactId ? <Link href={inApp(`/contacts/${s.contactId}`)}>Open the contact</Link> : '—'}
            </dd>
          </dl>
        ) : (
          <p>No suppression is in force: the next sends attempt the address.</p>
        )}
        {complaint ? (
          <p className="notice warning">
            <strong>This suppression cannot be lifted.</strong> {COMPLAINT_IS_PERMANENT}
          </p>
        ) : null}
        <p className="as-of">
          Soft bounces suppress when {s.softBounceRule.limit} of the last {s.softBounceRule.window} sends to
          the address soft-bounced; a delivery starts the count again.
        </p>
      </Section>
      <Section title="History">
        {s.history.length === 0 ? (
          <p>No listing or lift recorded.</p>
        ) : (
          <ol className="suppression-history" aria-label="Listings and lifts, newest first">
            {s.history.map((h) => (
              <li key={`${h.at}-${h.action}-${h.listing ?? ''}`} data-action={h.action}>
                <p>
                  <time dateTime={h.at}>{formatDateTime(h.at)}</time> ·{' '}
                  <strong>{h.action === 'lifted' ? 'Lifted' : 'Listed'}</strong>
                  {h.action === 'listed' ? (
                    <>
                      {' '}
                      for {labelOf(SUPPRESSION_REASON_LABELS, h.reason).toLowerCase()}
                      {h.category && h.category !== 'complaint' ? ` (${categoryLabel(h.category)})` : ''}
                      {h.until === null ? ', for good' : `, until ${formatDateTime(h.until)}`}
                      {h.listing && h.reason !== 'complaint' ? ` · ${ordinal(h.listing)} listing` : ''}
                    </>
                  ) : (
                    <> by a user of the dashboard or the API (the audit log says who)</>
                  )}
                </p>
                {h.action === 'listed' ? (
                  <p className="as-of">
                    From {h.via ? labelOf(VIA_LABELS, h.via) : 'a bounce'}
                    {h.sendId ? (
                      <>
                        {' '}
                        on <Link href={inApp(`/emails/sends/${h.sendId}`)}>a send</Link>
                      </>
                    ) : null}
                    {h.detail ? (
                      <>
                        : <code>{h.detail}</code>
                      </>
                    ) : null}
                  </p>
                ) : null}
              </li>
            ))}
          </ol>
        )}
      </Section>
      <LiftDialog
        email={lifting}
        onClose={() => setLifting(null)}
        onLifted={() => {
          setLifted(true);
        }}
      />
    </Page>
  );
}
