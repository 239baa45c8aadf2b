// The Suppressions area: the addresses Spoor does not email while suppressed (bounces, complaints), found
// by address, each with its history of listings and lifts; lifting one (sessions that may change email).
import { Route, Switch } from 'wouter';
import { NotFound } from '../../ui/NotFound';
import './suppressions.css';
import { SuppressionPage } from './SuppressionPage';
import { SuppressionsPage } from './SuppressionsPage';

export default function SuppressionsRoutes() {
  return (
    <Switch>
      <Route path="/" component={SuppressionsPage} />
      <Route path="/:email">{(params) => <SuppressionPage email={safeDecode(params.email)} />}</Route>
      <Route component={NotFound} />
    </Switch>
  );
}

/** The address from the path (a malformed escape stays as typed; the API then finds nothing). */
function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
