// Email sending: the SMTP server this install uses, whether this node reaches it right now, and the last
// failure a send recorded. Set in the environment (docs/configuration.md), so read-only here.
import { useQuery } from '@tanstack/react-query';
import { Link } from 'wouter';
import { api, data } from '../../api/client';
import { inApp } from '../../ui/app-path';
import { ErrorState } from '../../ui/ErrorState';
import { Loading } from '../../ui/NotFound';
import { formatDateTime, Section } from '../../ui/Page';
import { SettingsPage } from './SettingsPage';

const SECURITY = {
  tls: 'TLS from the first byte',
  'starttls-required': 'STARTTLS, required',
  'starttls-when-offered': 'STARTTLS when the server offers it',
} as const;

export function EmailStatusPage() {
  const status = useQuery({
    queryKey: ['settings', 'smtp'],
    queryFn: () => data(api.GET('/api/settings/smtp')),
    staleTime: 0,
  });
  return (
    <SettingsPage
      title="Email sending"
      description="Spoor sends through this SMTP server; change it with the SPOOR_SMTP_* settings."
      dataAsOf={status.data?.check.checkedAt}
      actions={
        <button type="button" onClick={() => status.refetch()} disabled={status.isFetching}>
          {status.isFetching ? 'Checking…' : 'Check again'}
        </button>
      }
    >
      {status.isPending ? (
        <Loading />
      ) : status.isError ? (
        <ErrorState error={status.error} retry={() => status.refetch()} />
      ) : (
        <>
          <Section title="Connection">
            <p role="status">
              {status.data.check.reachable ? (
                <span className="badge good">reachable</span>
              ) : (
                <span className="badge bad">not reachable</span>
              )}{' '}
              {status.data.check.message}
            </p>
          </Section>
          <Section title="Server">
            <dl className="facts">
              <dt>Host</dt>
              <dd>
                {status.data.server.host}:{status.data.server.port}
              </dd>
              <dt>Security</dt>
              <dd>{SECURITY[status.data.server.security]}</dd>
              <dt>Login</dt>
              <dd>{status.data.server.login ?? 'none'}</dd>
              <dt>DKIM signing</dt>
              <dd>{status.data.server.dkimDomain ?? 'off'}</dd>
              <dt>Default sender</dt>
              <dd>{status.data.from}</dd>
            </dl>
          </Section>
          <Section title="Last sending error">
            {status.data.lastSendError ? (
              <p>
                {formatDateTime(status.data.lastSendError.at)}:{' '}
                <code>{status.data.lastSendError.message}</code> (on{' '}
                <Link href={inApp(`/emails/sends/${status.data.lastSendError.sendId}`)}>this send</Link>)
              </p>
            ) : (
              <p>No send has failed to reach the server.</p>
            )}
          </Section>
        </>
      )}
    </SettingsPage>
  );
}
