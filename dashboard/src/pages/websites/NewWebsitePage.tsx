// Registers a website, then shows its snippets at once (what a person does next).
import { useLocation } from 'wouter';
import { Page, Section } from '../../ui/Page';
import { WebsiteForm } from './WebsiteForm';

export function NewWebsitePage() {
  const [, navigate] = useLocation();
  return (
    <Page title="Register a website">
      <Section title="Settings">
        <WebsiteForm onSaved={(website) => navigate(`/${website.id}/settings?registered=1`)} />
      </Section>
    </Page>
  );
}
