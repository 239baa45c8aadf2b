// Every page's frame: its title (also the document title), actions beside it, and when figures are not
// live, the time they are as of.
import { type ReactNode, useEffect } from 'react';

export interface PageProps {
  title: string;
  /** A line under the title. */
  description?: ReactNode;
  /** Buttons or links beside the title (hide write actions the session may not use). */
  actions?: ReactNode;
  /** When the figures on the page were computed (rollups); omitted for live data. */
  dataAsOf?: Date | string | null;
  children: ReactNode;
}

export function formatDateTime(value: Date | string): string {
  const date = typeof value === 'string' ? new Date(value) : value;
  return date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export function Page({ title, description, actions, dataAsOf, children }: PageProps) {
  useEffect(() => {
    document.title = `${title} · Spoor`;
  }, [title]);
  return (
    <>
      <header className="page-header">
        <div>
          <h1>{title}</h1>
          {description ? <p className="as-of">{description}</p> : null}
          {dataAsOf ? (
            <p className="as-of">
              Data as of <time dateTime={new Date(dataAsOf).toISOString()}>{formatDateTime(dataAsOf)}</time>
            </p>
          ) : null}
        </div>
        {actions ? <div className="page-actions">{actions}</div> : null}
      </header>
      {children}
    </>
  );
}

/** A titled box on a page. */
export function Section({
  title,
  actions,
  children,
}: {
  title: string;
  actions?: ReactNode;
  children: ReactNode;
}) {
  return (
    <section className="section" aria-label={title}>
      <div className="page-header">
        <h2>{title}</h2>
        {actions ? <div className="page-actions">{actions}</div> : null}
      </div>
      {children}
    </section>
  );
}
