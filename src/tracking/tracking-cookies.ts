// Builds the Set-Cookie headers of a collect response from the cookie definitions.
import { cappedMaxAgeSeconds, VISIT_COOKIE, VISITOR_COOKIE } from '../cookies/definitions.ts';

export type TrackingMode = 'third-party' | 'first-party';

export interface CookieIds {
  visitorId: string;
  visitId: string;
}

function attributes(mode: TrackingMode): string {
  // Third-party cookies must be SameSite=None to reach the tracking host from customer pages.
  return mode === 'third-party'
    ? 'Path=/; Secure; HttpOnly; SameSite=None'
    : 'Path=/; Secure; HttpOnly; SameSite=Lax';
}

export function setTrackingCookies(
  ids: CookieIds,
  mode: TrackingMode,
  visitorCookieDays: number,
  visitTimeoutMinutes: number,
) {
  const attrs = attributes(mode);
  return [
    `${VISITOR_COOKIE}=${ids.visitorId}; Max-Age=${cappedMaxAgeSeconds(visitorCookieDays)}; ${attrs}`,
    `${VISIT_COOKIE}=${ids.visitId}; Max-Age=${visitTimeoutMinutes * 60}; ${attrs}`,
  ];
}

export function expireTrackingCookies(mode: TrackingMode): string[] {
  const attrs = attributes(mode);
  return [`${VISITOR_COOKIE}=; Max-Age=0; ${attrs}`, `${VISIT_COOKIE}=; Max-Age=0; ${attrs}`];
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
