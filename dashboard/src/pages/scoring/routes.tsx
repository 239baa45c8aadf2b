// The Lead scoring area: the models, and each model's overview and editor.
import { Route, Switch } from 'wouter';
import { NotFound } from '../../ui/NotFound';
import '../contacts/contacts.css';
import { ModelPage } from './ModelPage';
import { ScoringPage } from './ScoringPage';

export default function ScoringRoutes() {
  return (
    <Switch>
      <Route path="/" component={ScoringPage} />
      <Route path="/:id">{(params) => <ModelPage id={params.id} />}</Route>
      <Route component={NotFound} />
    </Switch>
  );
}
