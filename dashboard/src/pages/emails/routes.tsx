// The Emails area: messages (list, editor with a sandboxed preview and the tracked links), sending to lists
// with a confirmation, and a send's insights with the contacts behind each figure.
import { Route, Switch } from 'wouter';
import './emails.css';
import { NotFound } from '../../ui/NotFound';
import { EmailsHome } from './EmailsHome';
import { FigureContactsPage } from './FigureContactsPage';
import { MessageEditor } from './MessageEditor';
import { SendInsightsPage } from './SendInsightsPage';

export default function EmailsRoutes() {
  return (
    <Switch>
      <Route path="/" component={EmailsHome} />
      <Route path="/messages/new" component={MessageEditor} />
      <Route path="/messages/:id" component={MessageEditor} />
      <Route path="/sends/:id/contacts" component={FigureContactsPage} />
      <Route path="/sends/:id" component={SendInsightsPage} />
      <Route component={NotFound} />
    </Switch>
  );
}
