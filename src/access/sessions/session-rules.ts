// Pure rules about sessions: when one has ended, and whether a cookie-authenticated write came from
// Spoor's own pages (the cross-site request forgery check). Tested with tables (session-rules.test.ts).
import { timingSafeEqual } from 'node:crypto';

export interface SessionTimeouts {
  /** A session unused this long has ended. */
  idleMs: number;
  /** A session this old has ended, however busy. */
  absoluteMs: number;
}

export interface SessionTimes {
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
}

/** Why a session has ended at `now`, or null while it is alive. */
export function sessionEnded(
  session: SessionTimes,
  timeouts: SessionTimeouts,
  now: number,
): 'idle' | 'absolute' | null {
  if (now >= session.expiresAt || now >= session.createdAt + timeouts.absoluteMs) return 'absolute';
  if (now >= session.lastSeenAt + timeouts.idleMs) return 'idle';
  return null;
}

export interface WriteRequest {
  origin: string | undefined;
  secFetchSite: string | undefined;
  csrfHeader: string | undefined;
}

/**
 * Why a state-changing request made with the session cookie is refused, or null when it is allowed: its
 * Origin must be one of Spoor's own (`ownOrigins`: the public URL's, and the one the request was addressed
 * to, which a cross-site page cannot choose); a browser always sends Origin on such requests, and without
 * it only `Sec-Fetch-Site: same-origin` vouches. And it must carry the session's CSRF token in X-CSRF-Token.
 */
export function forgeryRefusal(
  request: WriteRequest,
  ownOrigins: readonly string[],
  csrfToken: string,
): string | null {
  const publicOrigin = ownOrigins[0] ?? '';
  if (request.origin !== undefined) {
    if (!ownOrigins.includes(request.origin))
      return `Refused: this request comes from ${request.origin.slice(0, 100)}, not from ${publicOrigin} (cross-site request forgery protection).`;
  } else if (request.secFetchSite !== 'same-origin') {
    return `Refused: a change made with the session cookie must say where it comes from (an Origin header of ${publicOrigin}).`;
  }
  if (request.csrfHeader === undefined || request.csrfHeader === '')
    return 'Refused: a change made with the session cookie needs the X-CSRF-Token header (the csrfToken of GET /api/session).';
  if (!sameSecret(request.csrfHeader, csrfToken))
    return 'Refused: the X-CSRF-Token header does not match this session (sign in again if the page is old).';
  return null;
}

/** Whether a sign-in request's Origin, if it has one, is one of Spoor's own (no login forgery from another site). */
export function signInOriginRefusal(
  origin: string | undefined,
  ownOrigins: readonly string[],
): string | null {
  if (origin === undefined || ownOrigins.includes(origin)) return null;
  return `Refused: signing in from ${origin.slice(0, 100)} is not allowed; sign in on ${ownOrigins[0] ?? 'this server'}.`;
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
