// The Lists area: every list with its member counts, and each list's members, adding and importing.
import { Route, Switch } from 'wouter';
import { NotFound } from '../../ui/NotFound';
import '../contacts/contacts.css';
import { ListPage } from './ListPage';
import { ListsPage } from './ListsPage';

export default function ListsRoutes() {
  return (
    <Switch>
      <Route path="/" component={ListsPage} />
      <Route path="/:id">{(params) => <ListPage id={params.id} />}</Route>
      <Route component={NotFound} />
    </Switch>
  );
}
