// The Settings area's routes, relative to /settings (see src/routes.tsx).
import { Route, Switch } from 'wouter';
import { EmptyState } from '../../ui/EmptyState';
import { NotFound } from '../../ui/NotFound';
import { Page } from '../../ui/Page';

function SettingsHome() {
  return (
    <Page title="Settings">
      <EmptyState title="Users, API keys, the audit log, cookies, email and privacy settings are coming." />
    </Page>
  );
}

export default function SettingsRoutes() {
  return (
    <Switch>
      <Route path="/" component={SettingsHome} />
      <Route component={NotFound} />
    </Switch>
  );
}
