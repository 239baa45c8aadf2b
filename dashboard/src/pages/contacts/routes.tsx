// The Contacts area: the searchable, filterable list, the custom contact fields, and each contact's page
// with its timeline.
import { Route, Switch } from 'wouter';
import { NotFound } from '../../ui/NotFound';
import { ContactFieldsPage } from './ContactFieldsPage';
import { ContactPage } from './ContactPage';
import { ContactsList } from './ContactsList';
import './contacts.css';

export default function ContactsRoutes() {
  return (
    <Switch>
      <Route path="/" component={ContactsList} />
      <Route path="/fields" component={ContactFieldsPage} />
      <Route path="/:id">{(params) => <ContactPage id={params.id} />}</Route>
      <Route component={NotFound} />
    </Switch>
  );
}
