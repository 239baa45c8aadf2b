// The Settings area's routes, relative to /settings (see src/routes.tsx). Sections the session may not
// read are not routed (the server refuses their API too).
import { Route, Switch } from 'wouter';
import './settings.css';
import { useCanRead } from '../../api/session';
import { NotFound } from '../../ui/NotFound';
import { WebhookEndpointPage } from '../webhooks/WebhookEndpointPage';
import { WebhooksPage } from '../webhooks/WebhooksPage';
import { ApiKeysPage } from './ApiKeysPage';
import { AuditLogPage } from './AuditLogPage';
import { BounceReportsPage } from './BounceReportsPage';
import { CookiesPage } from './CookiesPage';
import { EmailStatusPage } from './EmailStatusPage';
import { PrivacyPage } from './PrivacyPage';
import { SettingsHome } from './SettingsHome';
import { UsersPage } from './UsersPage';

export default function SettingsRoutes() {
  const administration = useCanRead('administration');
  const email = useCanRead('email');
  const tracking = useCanRead('tracking');
  return (
    <Switch>
      <Route path="/" component={SettingsHome} />
      {administration ? <Route path="/users" component={UsersPage} /> : null}
      {administration ? <Route path="/api-keys" component={ApiKeysPage} /> : null}
      {administration ? <Route path="/audit-log" component={AuditLogPage} /> : null}
      {administration ? <Route path="/bounce-reports" component={BounceReportsPage} /> : null}
      {administration ? <Route path="/webhooks" component={WebhooksPage} /> : null}
      {administration ? (
        <Route path="/webhooks/:id">{(params) => <WebhookEndpointPage id={params.id} />}</Route>
      ) : null}
      <Route path="/cookies" component={CookiesPage} />
      {email ? <Route path="/email" component={EmailStatusPage} /> : null}
      {tracking ? <Route path="/privacy" component={PrivacyPage} /> : null}
      <Route component={NotFound} />
    </Switch>
  );
}
