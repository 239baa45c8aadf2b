// Carries the browser identity an email click gave the tracking host over to the landing page, for
// browsers that block third-party cookies (Safari, Firefox, Chrome's incognito): there the tracking
// host's cookie set by the click is never sent from the customer's site, so the click could not make
// the later visit the contact's. A short-lived, signed handoff token in the landing URL does it once:
// the script sends it with its first page view and removes it from the address bar at once.
import { PURPOSES, type Seal } from '../platform/seal.ts';

export const HANDOFF_PARAM = 'spoor_h';
/** Long enough for a slow landing page; short enough that a copied URL soon identifies no one. */
export const HANDOFF_LIFETIME_MS = PURPOSES['click handoff'].lifetimeMs;

type Sealer = Pick<Seal, 'sealText' | 'openText'>;
const VISITOR_ID = /^[A-Za-z0-9_-]{16,64}$/;

/** `visitorId.expiresAt.seal`: the visitor is a random id (no personal data), the seal the install's. */
export function signHandoff(seal: Sealer, visitorId: string, now: number): string {
  return seal.sealText('click handoff', [visitorId], now);
}

/** The visitor a genuine, unexpired handoff token names; null for anything else. */
export function verifyHandoff(seal: Sealer, token: string, now: number): string | null {
  const opened = seal.openText('click handoff', token, now);
  const [visitorId = '', ...rest] = opened.ok ? opened.value : [];
  return rest.length === 0 && VISITOR_ID.test(visitorId) ? visitorId : null;
}

/** The destination with the handoff token added to its query (before any #fragment). */
export function withHandoff(destination: string, token: string): string {
  const url = new URL(destination);
  url.searchParams.set(HANDOFF_PARAM, token);
  return url.href;
}

/** The install's handoffs over its seal, dated now: what the routes that issue or accept one are given. */
export interface Handoffs {
  sign(visitorId: string): string;
  /** The visitor a genuine, unexpired handoff names, or null. */
  visitorOf(token: string): string | null;
}

export function handoffsOver(seal: Sealer): Handoffs {
  return {
    sign: (visitorId) => signHandoff(seal, visitorId, Date.now()),
    visitorOf: (token) => verifyHandoff(seal, token, Date.now()),
  };
}
