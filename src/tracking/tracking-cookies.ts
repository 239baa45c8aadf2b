// Builds the Set-Cookie headers of a collect response from the cookie definitions.
import { cappedMaxAgeSeconds, VISIT_COOKIE, VISITOR_COOKIE } from '../cookies/definitions.ts';
import { type CookieSetter, cookieSetter } from '../cookies/set-cookie.ts';

export type TrackingMode = 'third-party' | 'first-party';

export interface CookieIds {
  visitorId: string;
  visitId: string;
}

// Third-party cookies must be SameSite=None to reach the tracking host from customer pages (the
// definitions say so); first-party ones come through the site's own reverse proxy.
const SETTERS: Record<TrackingMode, { visitor: CookieSetter; visit: CookieSetter }> = {
  'third-party': {
    visitor: cookieSetter(VISITOR_COOKIE, 'third-party (tracking host)'),
    visit: cookieSetter(VISIT_COOKIE, 'third-party (tracking host)'),
  },
  'first-party': {
    visitor: cookieSetter(VISITOR_COOKIE, 'first-party (your site)'),
    visit: cookieSetter(VISIT_COOKIE, 'first-party (your site)'),
  },
};

/** The visitor cookie alone, as collect sets it (a form post or an email click reaching the tracking host). */
export function setVisitorCookie(visitorId: string, mode: TrackingMode, visitorCookieDays: number): string {
  return SETTERS[mode].visitor(visitorId, cappedMaxAgeSeconds(visitorCookieDays));
}

export function setTrackingCookies(
  ids: CookieIds,
  mode: TrackingMode,
  visitorCookieDays: number,
  visitTimeoutMinutes: number,
) {
  const set = SETTERS[mode];
  return [
    set.visitor(ids.visitorId, cappedMaxAgeSeconds(visitorCookieDays)),
    set.visit(ids.visitId, visitTimeoutMinutes * 60),
  ];
}

export function expireTrackingCookies(mode: TrackingMode): string[] {
  const set = SETTERS[mode];
  return [set.visitor('', 0), set.visit('', 0)];
}

/** Reads one cookie from a Cookie header without parsing the rest. */
export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || null;
  }
  return null;
}
