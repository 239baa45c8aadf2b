// The Emails area's routes, relative to its base (see src/routes.tsx). A placeholder until dash-email fills it.
import { Route, Switch } from 'wouter';
import { EmptyState } from '../../ui/EmptyState';
import { NotFound } from '../../ui/NotFound';
import { Page } from '../../ui/Page';

function EmailsHome() {
  return (
    <Page title="Emails">
      <EmptyState title="This page is coming." />
    </Page>
  );
}

export default function EmailsRoutes() {
  return (
    <Switch>
      <Route path="/" component={EmailsHome} />
      <Route component={NotFound} />
    </Switch>
  );
}
