// The install's privacy defaults: what new websites start with and the rules that are not settings.
import { useQuery } from '@tanstack/react-query';
import { api, data } from '../../api/client';
import { ErrorState } from '../../ui/ErrorState';
import { Loading } from '../../ui/NotFound';
import { Section } from '../../ui/Page';
import { SettingsPage } from './SettingsPage';

export function PrivacyPage() {
  const defaults = useQuery({
    queryKey: ['settings', 'privacy'],
    queryFn: () => data(api.GET('/api/settings/privacy')),
    staleTime: Infinity,
  });
  return (
    <SettingsPage
      title="Privacy defaults"
      description="Set in the environment (docs/configuration.md); each website can change its own."
    >
      {defaults.isPending ? (
        <Loading />
      ) : defaults.isError ? (
        <ErrorState error={defaults.error} retry={() => defaults.refetch()} />
      ) : (
        <>
          <Section title="New websites start with">
            <dl className="facts">
              <dt>Visitor cookie</dt>
              <dd>{defaults.data.newWebsites.visitorCookieDays} days (browsers cap it at 400)</dd>
              <dt>A visit ends after</dt>
              <dd>{defaults.data.newWebsites.visitTimeoutMinutes} minutes without activity</dd>
              <dt>Global Privacy Control</dt>
              <dd>
                {defaults.data.newWebsites.gpcMode === 'anonymize'
                  ? 'Honoured: browsers sending it are tracked anonymously'
                  : 'Ignored'}
              </dd>
              <dt>Anonymous data kept</dt>
              <dd>
                {defaults.data.newWebsites.retentionDays === null
                  ? 'Until erased (no retention period)'
                  : `${defaults.data.newWebsites.retentionDays} days`}
              </dd>
            </dl>
          </Section>
          <Section title="Email and forms">
            <dl className="facts">
              <dt>Email tracking</dt>
              <dd>
                {defaults.data.emailTrackingDefault
                  ? 'Opens and clicks are tracked for contacts who never chose'
                  : 'Opens and clicks are tracked only for contacts who agreed'}
              </dd>
              <dt>Prefill cookie</dt>
              <dd>{defaults.data.prefillCookieDays} days, for contacts who chose “remember me”</dd>
              <dt>Retention job</dt>
              <dd>every {defaults.data.retentionIntervalMinutes} minutes</dd>
            </dl>
          </Section>
          <Section title="Always">
            <p>IP addresses are never stored: they are used for rate limits and bot checks, then dropped.</p>
          </Section>
        </>
      )}
    </SettingsPage>
  );
}
