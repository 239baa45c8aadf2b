// Every cookie Spoor sets, described once: the server sets its cookies with the name and attributes
// declared here (through set-cookie.ts; the script's own are checked by the browser cookie tests), and the
// public declaration (GET /cookies.json, docs/cookies.md) is generated from it.

export type CookieParty =
  | 'third-party (tracking host)'
  | 'first-party (your site)'
  /** Spoor's own pages (the dashboard and the account pages), on the host SPOOR_PUBLIC_URL names. */
  | 'first-party (Spoor host)';

export interface CookieVariant {
  party: CookieParty;
  setBy: 'server' | 'script';
  httpOnly: boolean;
  secure: boolean | 'when the page is https' | 'when the public URL is https';
  sameSite: 'None' | 'Lax' | 'Strict';
  /** Path of a cookie the server sets (it sets no Domain: host-only); the script's are all on /. */
  path?: string;
  when: string;
}

export interface CookieDefinition {
  name: string;
  essential: boolean;
  purpose: string;
  lifetime: string;
  containsPersonalData: false;
  variants: CookieVariant[];
}

export const VISITOR_COOKIE = 'spoor_vid';
export const VISIT_COOKIE = 'spoor_sid';
export const PREFILL_COOKIE = 'spoor_pf';
export const SESSION_COOKIE = 'spoor_session';
/** The event website's signed-in contact (src/events). */
export const PORTAL_COOKIE = 'spoor_portal';
/** The event website's language, as the visitor chose it (src/events). */
export const LANGUAGE_COOKIE = 'spoor_lang';
/** How long the language cookie keeps a choice. */
export const LANGUAGE_COOKIE_DAYS = 365;

/** Browsers cap cookie lifetimes at 400 days (RFC 6265bis); we never ask for more. */
export const MAX_COOKIE_AGE_DAYS = 400;

export const COOKIES: readonly CookieDefinition[] = [
  {
    name: VISITOR_COOKIE,
    essential: false,
    purpose:
      'Identifies a browser (a random id, no personal data) so its visits can be grouped and, after a form submission or a tracked email click, tied to a contact.',
    lifetime:
      "The website's visitor-cookie lifetime (default 2 years), capped at 400 days by browsers; renewed on every visit.",
    containsPersonalData: false,
    variants: [
      {
        party: 'third-party (tracking host)',
        setBy: 'server',
        httpOnly: true,
        secure: true,
        sameSite: 'None',
        path: '/',
        when: 'Third-party mode: set by the collect response on the tracking host.',
      },
      {
        party: 'first-party (your site)',
        setBy: 'script',
        httpOnly: false,
        secure: 'when the page is https',
        sameSite: 'Lax',
        when: 'Third-party mode: the mirror the script writes on your domain, for browsers that block third-party cookies.',
      },
      {
        party: 'first-party (your site)',
        setBy: 'server',
        httpOnly: true,
        secure: true,
        sameSite: 'Lax',
        path: '/',
        when: "First-party mode: set by the collect response served through your site's reverse proxy.",
      },
    ],
  },
  {
    name: VISIT_COOKIE,
    essential: false,
    purpose:
      'Groups page loads into one visit and lets engaged time be attributed (a random id, no personal data).',
    lifetime:
      "The website's visit timeout (default 30 minutes), sliding: renewed on every page view and engagement update.",
    containsPersonalData: false,
    variants: [
      {
        party: 'third-party (tracking host)',
        setBy: 'server',
        httpOnly: true,
        secure: true,
        sameSite: 'None',
        path: '/',
        when: 'Third-party mode: set by the collect response on the tracking host.',
      },
      {
        party: 'first-party (your site)',
        setBy: 'script',
        httpOnly: false,
        secure: 'when the page is https',
        sameSite: 'Lax',
        when: 'Third-party mode: the mirror the script writes on your domain.',
      },
      {
        party: 'first-party (your site)',
        setBy: 'server',
        httpOnly: true,
        secure: true,
        sameSite: 'Lax',
        path: '/',
        when: "First-party mode: set by the collect response served through your site's reverse proxy.",
      },
    ],
  },
  {
    name: PREFILL_COOKIE,
    essential: false,
    purpose:
      'Lets a form fill in the fields the marketer marked for prefill, for a contact who ticked "remember me". Holds a random token (only its hash is stored); no readable personal data.',
    lifetime:
      'SPOOR_PREFILL_DAYS (default 90 days); removed from use at once when the contact submits without "remember me".',
    containsPersonalData: false,
    variants: [
      {
        party: 'first-party (your site)',
        setBy: 'server',
        httpOnly: true,
        secure: true,
        sameSite: 'Lax',
        path: '/f/',
        when: 'Set by the form submission response of a hosted marketing page (path /f/), only with consent and "remember me".',
      },
      {
        party: 'first-party (your site)',
        setBy: 'script',
        httpOnly: false,
        secure: 'when the page is https',
        sameSite: 'Lax',
        when: 'Embedded forms: the form loader keeps the token on your domain, only with consent and "remember me".',
      },
    ],
  },
  {
    name: SESSION_COOKIE,
    essential: true,
    purpose:
      'Keeps a dashboard user (a marketer, analyst or administrator of this Spoor) signed in. Holds a random session id (only its hash is stored); no readable personal data. Never set for visitors or contacts.',
    lifetime:
      'Browser session (deleted when the browser closes); the session itself ends after SPOOR_SESSION_IDLE_MINUTES without use (default 30) or SPOOR_SESSION_MAX_HOURS after sign-in (default 12), and at sign-out.',
    containsPersonalData: false,
    variants: [
      {
        party: 'first-party (Spoor host)',
        setBy: 'server',
        httpOnly: true,
        secure: 'when the public URL is https',
        sameSite: 'Strict',
        path: '/',
        when: 'Set when a user signs in to the dashboard (POST /api/session); deleted at sign-out.',
      },
    ],
  },
  {
    name: PORTAL_COOKIE,
    essential: true,
    purpose:
      'Keeps a contact signed in on the event website (after they followed the sign-in link emailed to them), to show and manage their registrations. Holds a sealed random session id; no readable personal data. Never set for dashboard users or by the tracking script.',
    lifetime:
      'Browser session (deleted when the browser closes); the session itself ends 12 hours after sign-in at the latest, and at sign-out.',
    containsPersonalData: false,
    variants: [
      {
        party: 'first-party (Spoor host)',
        setBy: 'server',
        httpOnly: true,
        secure: true,
        sameSite: 'Lax',
        path: '/events',
        when: 'Set when a contact signs in on the event website (POST /events/portal/sign-in/link); deleted at sign-out.',
      },
    ],
  },
  {
    name: LANGUAGE_COOKIE,
    essential: true,
    purpose:
      "Keeps the language a visitor chose on the event website's pages (a language code such as en or fr); nothing else.",
    lifetime: '1 year, renewed each time the visitor picks a language.',
    containsPersonalData: false,
    variants: [
      {
        party: 'first-party (Spoor host)',
        setBy: 'server',
        httpOnly: true,
        secure: 'when the public URL is https',
        sameSite: 'Lax',
        path: '/events',
        when: "Set when a visitor picks one of an event's languages on an event page (a link with ?lang=).",
      },
    ],
  },
  {
    name: 'spoor_t',
    essential: false,
    purpose:
      'A throw-away probe: the script writes it to find the widest domain of your site that accepts cookies, then deletes it at once. Holds a random value only.',
    lifetime: 'At most 9 seconds; deleted immediately after the check.',
    containsPersonalData: false,
    variants: [
      {
        party: 'first-party (your site)',
        setBy: 'script',
        httpOnly: false,
        secure: 'when the page is https',
        sameSite: 'Lax',
        when: 'Third-party mode, only when identifiers are allowed, before the first mirror cookie is written.',
      },
    ],
  },
];

/** Seconds for Max-Age from a lifetime in days, within the browsers' 400-day cap. */
export function cappedMaxAgeSeconds(days: number): number {
  return Math.min(days, MAX_COOKIE_AGE_DAYS) * 86_400;
}
