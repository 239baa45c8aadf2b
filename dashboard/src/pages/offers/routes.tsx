// The Offers area: every offer with its state and claims, a new offer, and each offer's insights.
import { Route, Switch } from 'wouter';
import { NotFound } from '../../ui/NotFound';
import '../contacts/contacts.css';
import { OfferPage } from './OfferPage';
import { OffersPage } from './OffersPage';

export default function OffersRoutes() {
  return (
    <Switch>
      <Route path="/" component={OffersPage} />
      <Route path="/:id">{(params) => <OfferPage id={params.id} />}</Route>
      <Route component={NotFound} />
    </Switch>
  );
}
