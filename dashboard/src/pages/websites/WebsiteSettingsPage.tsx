// A website's settings (editable by those who may write tracking) and the snippets to paste, each with a
// copy button.
import './websites.css';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams, useSearchParams } from 'wouter';
import { api, data } from '../../api/client';
import { useCanWrite } from '../../api/session';
import { CopyButton } from '../../ui/CopyButton';
import { ErrorState } from '../../ui/ErrorState';
import { Loading } from '../../ui/NotFound';
import { Page, Section } from '../../ui/Page';
import { WebsiteForm } from './WebsiteForm';
import type { Website } from './website';

const SNIPPETS: { key: keyof Website['snippets']; title: string; copy: string; hint: string }[] = [
  {
    key: 'thirdParty',
    title: 'Standard snippet',
    copy: 'Copy standard snippet',
    hint: "Loads the script from Spoor's host. Paste it before </head> on every page.",
  },
  {
    key: 'firstParty',
    title: 'First-party snippet',
    copy: 'Copy first-party snippet',
    hint: 'Loads the script through your own domain (a proxy, see docs/tracking.md), so cookies survive Safari’s limits.',
  },
  {
    key: 'outboundMarketingCompatible',
    title: 'Dynamics 365 compatible',
    copy: 'Copy Dynamics 365 snippet',
    hint: 'For pages that already carry a Dynamics 365 outbound marketing configuration element.',
  },
];

export function Snippets({ website }: { website: Website }) {
  return (
    <Section title="Snippets">
      {SNIPPETS.map((snippet) => (
        <div className="snippet" key={snippet.key}>
          <h3>{snippet.title}</h3>
          <p className="hint">{snippet.hint}</p>
          <pre className="snippet-code">
            <code>{website.snippets[snippet.key]}</code>
          </pre>
          <CopyButton value={website.snippets[snippet.key]} label={snippet.copy} />
        </div>
      ))}
    </Section>
  );
}

export function WebsiteSettingsPage() {
  const { id } = useParams<{ id: string }>();
  const canWrite = useCanWrite('tracking');
  const [saved, setSaved] = useState(false);
  const [query] = useSearchParams();
  const website = useQuery({
    queryKey: ['website', id],
    queryFn: () => data(api.GET('/api/websites/{id}', { params: { path: { id } } })),
  });
  if (website.isPending) return <Loading />;
  if (website.isError) return <ErrorState error={website.error} retry={() => website.refetch()} />;
  const w = website.data as Website;
  return (
    <Page
      title={`${w.name}: settings`}
      actions={
        <Link href={`/${w.id}`} className="button">
          Report
        </Link>
      }
    >
      <Section title="Settings">
        {saved || query.get('registered') ? (
          <p className="notice success" role="status">
            {saved ? 'Saved.' : 'Registered. Paste one of the snippets below into every page of the website.'}
          </p>
        ) : null}
        {canWrite ? (
          <WebsiteForm website={w} onSaved={() => setSaved(true)} />
        ) : (
          <dl className="facts">
            <dt>Allowed origins</dt>
            <dd>{w.allowedOrigins.join(', ')}</dd>
            <dt>Visit timeout</dt>
            <dd>{w.visitTimeoutMinutes} minutes</dd>
            <dt>Visitor cookie lifetime</dt>
            <dd>{w.visitorCookieDays} days</dd>
            <dt>Global Privacy Control</dt>
            <dd>{w.gpcMode === 'anonymize' ? 'Honoured (anonymous)' : 'Ignored'}</dd>
            <dt>Anonymous data kept</dt>
            <dd>{w.retentionDays === null ? 'Forever' : `${w.retentionDays} days`}</dd>
          </dl>
        )}
      </Section>
      <Snippets website={w} />
    </Page>
  );
}
