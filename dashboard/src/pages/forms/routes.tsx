// The Forms area: every form, a form's figures and submissions, and creating or editing one with a preview.
import { Route, Switch } from 'wouter';
import { NotFound } from '../../ui/NotFound';
import '../contacts/contacts.css';
import { FormEditor } from './FormEditor';
import { FormPage } from './FormPage';
import { FormsList } from './FormsList';

export default function FormsRoutes() {
  return (
    <Switch>
      <Route path="/" component={FormsList} />
      <Route path="/new">{() => <FormEditor id={null} />}</Route>
      <Route path="/:id/edit">{(params) => <FormEditor id={params.id} />}</Route>
      <Route path="/:id">{(params) => <FormPage id={params.id} />}</Route>
      <Route component={NotFound} />
    </Switch>
  );
}
