// The Overview area's routes, relative to its base (see src/routes.tsx). A placeholder until dash-overview fills it.
import { Route, Switch } from 'wouter';
import { EmptyState } from '../../ui/EmptyState';
import { NotFound } from '../../ui/NotFound';
import { Page } from '../../ui/Page';

function OverviewHome() {
  return (
    <Page title="Overview">
      <EmptyState title="This page is coming." />
    </Page>
  );
}

export default function OverviewRoutes() {
  return (
    <Switch>
      <Route path="/" component={OverviewHome} />
      <Route component={NotFound} />
    </Switch>
  );
}
