// What an unknown address under /app/ shows, and what shows while a page area's code loads.
import { Link } from 'wouter';
import { inApp } from './app-path';
import { EmptyState } from './EmptyState';
import { Page } from './Page';

export function NotFound() {
  return (
    <Page title="Page not found">
      <EmptyState title="There is no page at this address.">
        <Link href={inApp('/')}>Go to the overview</Link>
      </EmptyState>
    </Page>
  );
}

export function Loading() {
  return (
    <p className="as-of" role="status">
      Loading…
    </p>
  );
}
