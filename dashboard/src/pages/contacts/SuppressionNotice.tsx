// Above a contact's timeline: whether their address is suppressed (why no email appears after), with the
// reason, category and until when, and a link to the address's history on the suppression list for
// sessions that may read email; others see the reason from the contact's own emails.
import { useQuery } from '@tanstack/react-query';
import { Link } from 'wouter';
import { api, data } from '../../api/client';
import { useCanRead } from '../../api/session';
import { inApp } from '../../ui/app-path';
import { formatDateTime } from '../../ui/Page';
import { categoryLabel, labelOf, SUPPRESSION_REASON_LABELS } from '../emails/outcome-labels';

export function SuppressionNotice({ contactId }: { contactId: string }) {
  const canReadEmail = useCanRead('email');
  return canReadEmail ? <Explained contactId={contactId} /> : <Plain contactId={contactId} />;
}

function Explained({ contactId }: { contactId: string }) {
  const suppression = useQuery({
    queryKey: ['contact-suppression', contactId],
    queryFn: () => data(api.GET('/api/contacts/{id}/suppression', { params: { path: { id: contactId } } })),
  });
  const s = suppression.data;
  if (!s?.current || !s.email) return null;
  const c = s.current;
  return (
    <div className="notice warning" role="note" aria-label="Suppression">
      <p>
        <strong>
          The address is suppressed {c.until === null ? 'for good' : `until ${formatDateTime(c.until)}`}
        </strong>
        : {labelOf(SUPPRESSION_REASON_LABELS, c.reason).toLowerCase()}
        {c.category && c.category !== 'complaint' ? ` (${categoryLabel(c.category)})` : ''}, since{' '}
        {formatDateTime(c.since)}. No email is attempted meanwhile.
      </p>
      {c.detail ? (
        <p className="as-of">
          <code>{c.detail}</code>
        </p>
      ) : null}
      <p>
        <Link href={inApp(`/suppressions/${encodeURIComponent(s.email)}`)}>
          Its history on the suppression list
        </Link>
      </p>
    </div>
  );
}

function Plain({ contactId }: { contactId: string }) {
  const emails = useQuery({
    queryKey: ['contact-emails', contactId],
    queryFn: () => data(api.GET('/api/contacts/{id}/emails', { params: { path: { id: contactId } } })),
  });
  const suppressed = emails.data?.suppressed;
  if (!suppressed) return null;
  return (
    <p className="notice warning">
      The address is suppressed since {formatDateTime(suppressed.since)} (
      {labelOf(SUPPRESSION_REASON_LABELS, suppressed.reason).toLowerCase()}
      {suppressed.detail ? `: ${suppressed.detail}` : ''}); no email is attempted.
    </p>
  );
}
