// The dashboard's sections, in nav order. One entry per page area; each page helper edits only its own
// entry here and its own pages/<area>/routes.tsx (the route table is routes.tsx).
import type { AdminArea } from './api/session';

export interface NavEntry {
  /** The page area (its folder under pages/). */
  area:
    | 'overview'
    | 'websites'
    | 'contacts'
    | 'forms'
    | 'lists'
    | 'emails'
    | 'offers'
    | 'scoring'
    | 'suppressions'
    | 'events'
    | 'settings';
  label: string;
  /** Under the /app base: '/' for the overview. */
  href: string;
  /** Shown only to sessions that may read this admin area (none: everyone signed in). */
  needs?: AdminArea;
}

export const NAV: NavEntry[] = [
  { area: 'overview', label: 'Overview', href: '/' },
  { area: 'websites', label: 'Websites', href: '/websites', needs: 'tracking' },
  { area: 'contacts', label: 'Contacts', href: '/contacts', needs: 'contacts' },
  { area: 'forms', label: 'Forms', href: '/forms', needs: 'tracking' },
  { area: 'lists', label: 'Lists', href: '/lists', needs: 'email' },
  { area: 'emails', label: 'Emails', href: '/emails', needs: 'email' },
  { area: 'offers', label: 'Offers', href: '/offers', needs: 'email' },
  { area: 'scoring', label: 'Lead scoring', href: '/scoring', needs: 'contacts' },
  { area: 'suppressions', label: 'Suppressions', href: '/suppressions', needs: 'email' },
  { area: 'events', label: 'Events', href: '/events', needs: 'email' },
  { area: 'settings', label: 'Settings', href: '/settings' },
];
