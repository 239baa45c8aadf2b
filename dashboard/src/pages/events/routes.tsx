// The Events area: every event, each event's editor with its sessions and passes, its insights and the
// registrants behind each figure.
import { Route, Switch } from 'wouter';
import { NotFound } from '../../ui/NotFound';
import '../contacts/contacts.css';
import './events.css';
import { CheckInPage } from './CheckInPage';
import { EventInsightsPage } from './EventInsightsPage';
import { EventPage } from './EventPage';
import { EventRegistrantsPage } from './EventRegistrantsPage';
import { EventsPage } from './EventsPage';

export default function EventsRoutes() {
  return (
    <Switch>
      <Route path="/" component={EventsPage} />
      <Route path="/:id/check-in">{(params) => <CheckInPage id={params.id} />}</Route>
      <Route path="/:id/insights">{(params) => <EventInsightsPage id={params.id} />}</Route>
      <Route path="/:id/registrants">{(params) => <EventRegistrantsPage id={params.id} />}</Route>
      <Route path="/:id">{(params) => <EventPage id={params.id} />}</Route>
      <Route component={NotFound} />
    </Switch>
  );
}
