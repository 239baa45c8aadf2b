// The Lists area's routes, relative to its base (see src/routes.tsx). A placeholder until dash-contacts fills it.
import { Route, Switch } from 'wouter';
import { EmptyState } from '../../ui/EmptyState';
import { NotFound } from '../../ui/NotFound';
import { Page } from '../../ui/Page';

function ListsHome() {
  return (
    <Page title="Lists">
      <EmptyState title="This page is coming." />
    </Page>
  );
}

export default function ListsRoutes() {
  return (
    <Switch>
      <Route path="/" component={ListsHome} />
      <Route component={NotFound} />
    </Switch>
  );
}
