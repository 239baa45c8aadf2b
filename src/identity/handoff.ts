// Carries the browser identity an email click gave the tracking host over to the landing page, for
// browsers that block third-party cookies (Safari, Firefox, Chrome's incognito): there the tracking
// host's cookie set by the click is never sent from the customer's site, so the click could not make
// the later visit the contact's. A short-lived, signed handoff token in the landing URL does it once:
// the script sends it with its first page view and removes it from the address bar at once.
export const HANDOFF_PARAM = 'spoor_h';
/** Long enough for a slow landing page; short enough that a copied URL soon identifies no one. */
export const HANDOFF_LIFETIME_MS = 10 * 60_000;

type Hash = (...parts: string[]) => string;

/** `visitorId.expiresAt.mac`: the visitor is a random id (no personal data), the MAC keyed per install. */
export function signHandoff(hash: Hash, visitorId: string, now: number): string {
  const expires = (now + HANDOFF_LIFETIME_MS).toString(36);
  return `${visitorId}.${expires}.${hash('handoff', visitorId, expires)}`;
}

/** The visitor a genuine, unexpired handoff token names; null for anything else. */
export function verifyHandoff(hash: Hash, token: string, now: number): string | null {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  const [visitorId = '', expires = '', mac = ''] = parts;
  if (!/^[A-Za-z0-9_-]{16,64}$/.test(visitorId) || !/^[0-9a-z]{1,12}$/.test(expires)) return null;
  if (Number.parseInt(expires, 36) < now) return null;
  return hash('handoff', visitorId, expires) === mac ? visitorId : null;
}

/** The destination with the handoff token added to its query (before any #fragment). */
export function withHandoff(destination: string, token: string): string {
  const url = new URL(destination);
  url.searchParams.set(HANDOFF_PARAM, token);
  return url.href;
}
