// The Websites area's routes, relative to its base (see src/routes.tsx). A placeholder until dash-overview fills it.
import { Route, Switch } from 'wouter';
import { EmptyState } from '../../ui/EmptyState';
import { NotFound } from '../../ui/NotFound';
import { Page } from '../../ui/Page';

function WebsitesHome() {
  return (
    <Page title="Websites">
      <EmptyState title="This page is coming." />
    </Page>
  );
}

export default function WebsitesRoutes() {
  return (
    <Switch>
      <Route path="/" component={WebsitesHome} />
      <Route component={NotFound} />
    </Switch>
  );
}
