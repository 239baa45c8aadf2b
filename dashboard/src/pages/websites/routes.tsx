// The Websites area's routes, relative to its base (see src/routes.tsx): the list, registering one, a
// website's report, and its settings with the snippets.
import { Route, Switch } from 'wouter';
import { NotFound } from '../../ui/NotFound';
import { NewWebsitePage } from './NewWebsitePage';
import { WebsiteReportPage } from './WebsiteReportPage';
import { WebsiteSettingsPage } from './WebsiteSettingsPage';
import { WebsitesList } from './WebsitesList';

export default function WebsitesRoutes() {
  return (
    <Switch>
      <Route path="/" component={WebsitesList} />
      <Route path="/new" component={NewWebsitePage} />
      <Route path="/:id/settings" component={WebsiteSettingsPage} />
      <Route path="/:id" component={WebsiteReportPage} />
      <Route component={NotFound} />
    </Switch>
  );
}
