// The Overview area's routes, relative to its base (see src/routes.tsx).
import { Route, Switch } from 'wouter';
import { NotFound } from '../../ui/NotFound';
import { OverviewPage } from './OverviewPage';

export default function OverviewRoutes() {
  return (
    <Switch>
      <Route path="/" component={OverviewPage} />
      <Route component={NotFound} />
    </Switch>
  );
}
