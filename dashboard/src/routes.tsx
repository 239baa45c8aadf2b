// The route table: each page area's routes, loaded only when first visited (the first load stays small).
// An area's own pages/<area>/routes.tsx holds its routes, relative to its base (wouter `nest`).
import { lazy, Suspense } from 'react';
import { Route, Switch } from 'wouter';
import { Loading, NotFound } from './ui/NotFound';

const Overview = lazy(() => import('./pages/overview/routes'));
const Websites = lazy(() => import('./pages/websites/routes'));
const Contacts = lazy(() => import('./pages/contacts/routes'));
const Forms = lazy(() => import('./pages/forms/routes'));
const Lists = lazy(() => import('./pages/lists/routes'));
const Emails = lazy(() => import('./pages/emails/routes'));
const Offers = lazy(() => import('./pages/offers/routes'));
const Scoring = lazy(() => import('./pages/scoring/routes'));
const Suppressions = lazy(() => import('./pages/suppressions/routes'));
const Events = lazy(() => import('./pages/events/routes'));
const Settings = lazy(() => import('./pages/settings/routes'));

export function AppRoutes() {
  return (
    <Suspense fallback={<Loading />}>
      <Switch>
        <Route path="/" component={Overview} />
        <Route path="/websites" nest component={Websites} />
        <Route path="/contacts" nest component={Contacts} />
        <Route path="/forms" nest component={Forms} />
        <Route path="/lists" nest component={Lists} />
        <Route path="/emails" nest component={Emails} />
        <Route path="/offers" nest component={Offers} />
        <Route path="/scoring" nest component={Scoring} />
        <Route path="/suppressions" nest component={Suppressions} />
        <Route path="/events" nest component={Events} />
        <Route path="/settings" nest component={Settings} />
        <Route component={NotFound} />
      </Switch>
    </Suspense>
  );
}
