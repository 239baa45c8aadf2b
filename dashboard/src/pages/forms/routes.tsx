// The Forms area's routes, relative to its base (see src/routes.tsx). A placeholder until dash-contacts fills it.
import { Route, Switch } from 'wouter';
import { EmptyState } from '../../ui/EmptyState';
import { NotFound } from '../../ui/NotFound';
import { Page } from '../../ui/Page';

function FormsHome() {
  return (
    <Page title="Forms">
      <EmptyState title="This page is coming." />
    </Page>
  );
}

export default function FormsRoutes() {
  return (
    <Switch>
      <Route path="/" component={FormsHome} />
      <Route component={NotFound} />
    </Switch>
  );
}
