// The signed-in frame: a skip link, the top bar (brand, theme, account menu with sign-out), the nav built
// from nav.ts (entries the session may not read are left out) and the page.
import { type ReactNode, useState } from 'react';
import { Link, useLocation } from 'wouter';
import { useSession, useSignOut } from '../api/session';
import { NAV } from '../nav';
import { ThemeToggle } from './ThemeToggle';

function isCurrent(location: string, href: string): boolean {
  if (href === '/') return location === '/';
  return location === href || location.startsWith(`${href}/`);
}

const ROLE_LABEL = { administrator: 'Administrator', marketer: 'Marketer', analyst: 'Analyst' } as const;

function AccountMenu() {
  const session = useSession();
  const signOut = useSignOut();
  const [error, setError] = useState<string | null>(null);
  async function run(everywhere: boolean) {
    try {
      await signOut(everywhere);
    } catch (thrown) {
      setError(thrown instanceof Error ? thrown.message : 'Could not sign out.');
    }
  }
  return (
    <details className="account-menu">
      <summary>
        <span className="user-name">{session.user.name || session.user.email}</span>
        <span className="account-short">Account</span>
        <span aria-hidden="true"> ▾</span>
      </summary>
      <div className="account-panel">
        <p>
          <strong>{session.user.email}</strong>
          <br />
          <span className="as-of">{ROLE_LABEL[session.user.role]}</span>
        </p>
        <button type="button" onClick={() => run(false)}>
          Sign out
        </button>
        <button type="button" onClick={() => run(true)}>
          Sign out everywhere
        </button>
        {error ? (
          <p className="form-error" role="alert">
            {error}
          </p>
        ) : null}
      </div>
    </details>
  );
}

export function Layout({ children }: { children: ReactNode }) {
  const session = useSession();
  const [location] = useLocation();
  const [menuOpen, setMenuOpen] = useState(false);
  const entries = NAV.filter((entry) => !entry.needs || session.permissions[entry.needs]?.read);
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <button
          type="button"
          className="menu-button"
          aria-expanded={menuOpen}
          aria-controls="nav"
          onClick={() => setMenuOpen((open) => !open)}
        >
          Menu
        </button>
        <Link href="/" className="brand">
          Spoor
        </Link>
        <ThemeToggle />
        <AccountMenu />
      </header>
      {/* Following a link closes the narrow-screen menu. */}
      <nav
        id="nav"
        className="nav"
        aria-label="Sections"
        data-open={menuOpen}
        onClickCapture={(event) => {
          if ((event.target as HTMLElement).closest('a')) setMenuOpen(false);
        }}
      >
        <ul>
          {entries.map((entry) => (
            <li key={entry.area}>
              <Link href={entry.href} aria-current={isCurrent(location, entry.href) ? 'page' : undefined}>
                {entry.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
