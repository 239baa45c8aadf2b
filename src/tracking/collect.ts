// Accepting one collect request: website and origin checks, consent, bot label, then the shared ingest.
import { AppError } from '../lib/errors.ts';
import { isWellFormedId } from '../lib/ids.ts';
import { isOriginAllowed } from '../websites/origin-rules.ts';
import type { Website } from '../websites/website.ts';
import { attributionOf, type PageFacts, pageFacts } from './attribution.ts';
import { classifyBot } from './bot-rules.ts';
import { decideConsent } from './consent-rules.ts';
import type { IngestOutcome, TrackingEvent } from './events.ts';
import type { Ingestor } from './ingest.ts';
import { expireTrackingCookies, setTrackingCookies, type TrackingMode } from './tracking-cookies.ts';

export interface CollectBody {
  w: string;
  e: string;
  t: 'pv' | 'en';
  u?: string;
  r?: string;
  ti?: string;
  p?: string;
  ms?: number;
  v?: string;
  s?: string;
  a?: number;
  g?: number;
  wd?: number;
  fp?: number;
  h?: string;
}

export interface CollectRequest {
  body: CollectBody;
  /** Origin header, or the origin of Referer when a browser sent no Origin. */
  origin: string | null;
  userAgent: string | undefined;
  gpcHeader: boolean;
  visitorCookie: string | null;
  /** The request carried a visitor or visit cookie (to be deleted when the hit is anonymous). */
  carriesTrackingCookies: boolean;
  receivedAt: number;
}

export interface CollectResult {
  outcome: IngestOutcome;
  anonymous: boolean;
  setCookies: string[];
  website: Website;
}

// Browsers may put NUL in titles; PostgreSQL refuses it in text, so it never reaches storage.
const clean = (value: string | undefined, max: number): string | null =>
  value === undefined || value === '' ? null : value.replaceAll('\0', '').slice(0, max);

function checkPageUrl(url: string | undefined): PageFacts {
  if (!url) throw new AppError('bad_request', 'A page view needs "u", the page URL.');
  const facts = pageFacts(url);
  if (!facts) throw new AppError('bad_request', '"u" must be an absolute http(s) URL.');
  return facts;
}

/**
 * Verdicts per website object and origin: a page's hits all come from one origin, and parsing it for
 * every hit was a visible part of the endpoint's time. The website cache replaces its objects every few
 * seconds, so a changed list of allowed origins takes effect as fast as before.
 */
const originVerdicts = new WeakMap<Website, Map<string, boolean>>();
const MAX_ORIGINS_PER_WEBSITE = 1_000;

function originAllowed(website: Website, origin: string): boolean {
  let verdicts = originVerdicts.get(website);
  if (!verdicts) {
    verdicts = new Map();
    originVerdicts.set(website, verdicts);
  }
  let allowed = verdicts.get(origin);
  if (allowed === undefined) {
    allowed = isOriginAllowed(origin, website.allowedOrigins);
    if (verdicts.size >= MAX_ORIGINS_PER_WEBSITE) verdicts.clear();
    verdicts.set(origin, allowed);
  }
  return allowed;
}

export interface CollectContext {
  findWebsite: (id: string) => Promise<Website | undefined>;
  ingestor: Ingestor;
  /** Spoor's own origin: its hosted marketing pages may send events for any website. */
  ownOrigin: string;
  /** The visitor a genuine email-click handoff token names (src/identity/handoff.ts), or null. */
  handoffVisitor?: (token: string) => string | null;
}

/** The website a request from a page names, when that page's origin may speak for it; else `403`. */
export async function websiteForOrigin(
  context: Pick<CollectContext, 'findWebsite' | 'ownOrigin'>,
  websiteId: string,
  origin: string | null,
): Promise<Website> {
  const website = await context.findWebsite(websiteId);
  if (!website) throw new AppError('forbidden', `Website "${websiteId}" is not registered with this Spoor.`);
  if (!origin) {
    throw new AppError(
      'forbidden',
      `The request has no Origin; events for website "${website.name}" must come from its pages.`,
    );
  }
  if (origin !== context.ownOrigin && !originAllowed(website, origin)) {
    throw new AppError('forbidden', `Origin ${origin} is not allowed for website "${website.name}".`);
  }
  return website;
}

export async function collect(request: CollectRequest, context: CollectContext): Promise<CollectResult> {
  const { ingestor } = context;
  const { body } = request;
  const website = await websiteForOrigin(context, body.w, request.origin);

  const consent = decideConsent({
    pageAnonymize: body.a === 1,
    gpcHeader: request.gpcHeader,
    gpcScript: body.g === 1,
    gpcMode: website.gpcMode,
  });
  const mode: TrackingMode = body.fp === 1 ? 'first-party' : 'third-party';
  // Without its own cookie (third-party cookies blocked, or a first visit in first-party mode), a
  // browser arriving from an email click is the visitor the click identified, when the hit carries a
  // genuine handoff: that id then stands where the tracking host's cookie would.
  const cookieVisitorId = isWellFormedId(request.visitorCookie)
    ? request.visitorCookie
    : body.h && !consent.anonymize
      ? (context.handoffVisitor?.(body.h) ?? null)
      : null;
  // In first-party mode the script cannot read the HttpOnly cookie and sends no mirror.
  const mirrorVisitorId = mode === 'third-party' && isWellFormedId(body.v) ? body.v : null;
  const bot = classifyBot({ userAgent: request.userAgent, webdriver: body.wd === 1 });

  // The shared fields, then the kind's own assigned onto the same object. Spreading the shared fields
  // into a new literal ({ ...common, kind, … }) cost ~5 µs per request on Node 20, most of what this
  // function cost (decision 006).
  const common = {
    websiteId: website.id,
    eventId: body.e,
    receivedAt: request.receivedAt,
    anonymous: consent.anonymize,
    cookieVisitorId,
    mirrorVisitorId,
    bot,
    visitTimeoutMinutes: website.visitTimeoutMinutes,
  };
  let event: TrackingEvent;
  if (body.t === 'pv') {
    const page = checkPageUrl(body.u);
    const referrer = clean(body.r, 2048);
    event = Object.assign(common, {
      kind: 'pageview' as const,
      url: clean(body.u, 2048)!,
      title: clean(body.ti, 512),
      referrer,
      attribution: attributionOf(page, referrer),
    });
  } else {
    if (!isWellFormedId(body.p) || body.ms === undefined) {
      throw new AppError(
        'bad_request',
        'An engagement update needs "p" (the page view\'s event id) and "ms".',
      );
    }
    event = Object.assign(common, {
      kind: 'engagement' as const,
      pageviewEventId: body.p,
      engagedMs: body.ms,
    });
  }

  const outcome = await ingestor.ingest(event);
  let setCookies: string[] = [];
  if (consent.anonymize) {
    if (request.carriesTrackingCookies) setCookies = expireTrackingCookies(mode);
  } else if (outcome.visitorId && outcome.visitId) {
    setCookies = setTrackingCookies(
      { visitorId: outcome.visitorId, visitId: outcome.visitId },
      mode,
      website.visitorCookieDays,
      website.visitTimeoutMinutes,
    );
  }
  return { outcome, anonymous: consent.anonymize, setCookies, website };
}
