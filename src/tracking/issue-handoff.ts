// Signs a handoff for the visitor a tracked page names, so that a link from the site to one of Spoor's
// hosted pages (/p/…) carries that visitor to Spoor's own host, where the site's cookies are out of reach.
import { isWellFormedId } from '../lib/ids.ts';
import { type CollectContext, websiteForOrigin } from './collect.ts';
import { decideConsent } from './consent-rules.ts';

export interface HandoffBody {
  w: string;
  v?: string;
  a?: number;
  g?: number;
  fp?: number;
}

export interface HandoffRequest {
  body: HandoffBody;
  origin: string | null;
  gpcHeader: boolean;
  /** The visitor cookie the request carried (tracking host, or the site's own in first-party mode). */
  visitorCookie: string | null;
}

export interface HandoffContext extends Pick<CollectContext, 'findWebsite' | 'ownOrigin'> {
  /** A signed, short-lived handoff naming this visitor (src/identity/handoff.ts). */
  sign: (visitorId: string) => string;
}

/**
 * The handoff for the browser's visitor, found the way a page view finds it (the cookie, else the
 * first-party mirror); null when consent forbids identifiers (the page's choice, or GPC on a website that
 * honours it) or the browser names no visitor. A token only names a visitor: it reads nothing.
 */
export async function issueHandoff(request: HandoffRequest, context: HandoffContext): Promise<string | null> {
  const { body } = request;
  const website = await websiteForOrigin(context, body.w, request.origin);
  const consent = decideConsent({
    pageAnonymize: body.a === 1,
    gpcHeader: request.gpcHeader,
    gpcScript: body.g === 1,
    gpcMode: website.gpcMode,
  });
  if (consent.anonymize) return null;
  const visitorId = isWellFormedId(request.visitorCookie)
    ? request.visitorCookie
    : body.fp !== 1 && isWellFormedId(body.v)
      ? body.v
      : null;
  return visitorId ? context.sign(visitorId) : null;
}
