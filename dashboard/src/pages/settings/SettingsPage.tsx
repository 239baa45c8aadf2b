// The frame of every Settings page: the page itself plus links to the other settings this session may read.
import type { ReactNode } from 'react';
import { Link, useLocation } from 'wouter';
import { type AdminArea, useSession } from '../../api/session';
import { Page, type PageProps } from '../../ui/Page';

export interface SettingsSection {
  href: string;
  label: string;
  description: string;
  needs?: AdminArea;
}

export const SETTINGS_SECTIONS: SettingsSection[] = [
  {
    href: '/users',
    label: 'Users',
    description: 'Who can sign in, and their roles.',
    needs: 'administration',
  },
  {
    href: '/api-keys',
    label: 'API keys',
    description: 'Keys for programs, their scopes and when each was last used.',
    needs: 'administration',
  },
  {
    href: '/audit-log',
    label: 'Audit log',
    description: 'Who changed what, and when.',
    needs: 'administration',
  },
  {
    href: '/bounce-reports',
    label: 'Bounce reports',
    description: 'Delivery reports and complaints received, and the messages nothing could be recorded from.',
    needs: 'administration',
  },
  {
    href: '/webhooks',
    label: 'Webhooks',
    description: 'Endpoints told of what contacts do (a CRM), their health and delivery log.',
    needs: 'administration',
  },
  { href: '/cookies', label: 'Cookies', description: 'Every cookie Spoor sets, for your cookie banner.' },
  {
    href: '/email',
    label: 'Email sending',
    description: 'Whether the SMTP server can be reached.',
    needs: 'email',
  },
  {
    href: '/privacy',
    label: 'Privacy defaults',
    description: "The install's privacy settings.",
    needs: 'tracking',
  },
];

export function useSettingsSections(): SettingsSection[] {
  const { permissions } = useSession();
  return SETTINGS_SECTIONS.filter((section) => !section.needs || permissions[section.needs]?.read);
}

export function SettingsPage(props: PageProps & { children: ReactNode }) {
  const sections = useSettingsSections();
  const [location] = useLocation();
  return (
    <>
      <nav aria-label="Settings" className="subnav">
        <ul>
          <li>
            <Link href="/" aria-current={location === '/' ? 'page' : undefined}>
              All settings
            </Link>
          </li>
          {sections.map((section) => (
            <li key={section.href}>
              <Link href={section.href} aria-current={location === section.href ? 'page' : undefined}>
                {section.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <Page {...props} />
    </>
  );
}
