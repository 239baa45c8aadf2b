// The Events area: every event, and each event's editor with its sessions and passes.
import { Route, Switch } from 'wouter';
import { NotFound } from '../../ui/NotFound';
import '../contacts/contacts.css';
import './events.css';
import { CheckInPage } from './CheckInPage';
import { EventPage } from './EventPage';
import { EventsPage } from './EventsPage';

export default function EventsRoutes() {
  return (
    <Switch>
      <Route path="/" component={EventsPage} />
      <Route path="/:id/check-in">{(params) => <CheckInPage id={params.id} />}</Route>
      <Route path="/:id">{(params) => <EventPage id={params.id} />}</Route>
      <Route component={NotFound} />
    </Switch>
  );
}
