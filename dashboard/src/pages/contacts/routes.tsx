// The Contacts area's routes, relative to its base (see src/routes.tsx). A placeholder until dash-contacts fills it.
import { Route, Switch } from 'wouter';
import { EmptyState } from '../../ui/EmptyState';
import { NotFound } from '../../ui/NotFound';
import { Page } from '../../ui/Page';

function ContactsHome() {
  return (
    <Page title="Contacts">
      <EmptyState title="This page is coming." />
    </Page>
  );
}

export default function ContactsRoutes() {
  return (
    <Switch>
      <Route path="/" component={ContactsHome} />
      <Route component={NotFound} />
    </Switch>
  );
}
