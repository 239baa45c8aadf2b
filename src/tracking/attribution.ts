// Where a page view came from: its path, the external referrer's host and the UTM tags of its URL.
//
// A site's page views name the same few hundred URLs and referrers again and again, and parsing them
// (WHATWG URL, then the query string) was one of the larger costs of a collect request: what a URL
// yields is remembered per URL string, in bounded memos.
import { Memo } from '../lib/memo.ts';

export interface Attribution {
  path: string;
  referrerHost: string | null;
  utmSource: string | null;
  utmMedium: string | null;
  utmCampaign: string | null;
  utmTerm: string | null;
  utmContent: string | null;
}

/** What a page URL says by itself: its host (for telling internal navigation apart), path and tags. */
export interface PageFacts {
  host: string;
  path: string;
  utmSource: string | null;
  utmMedium: string | null;
  utmCampaign: string | null;
  utmTerm: string | null;
  utmContent: string | null;
}

const MAX_TAG = 200;
/** URLs are at most 2 KiB (collect's schema), so each memo holds at most ~10 MiB of keys. */
const REMEMBERED_URLS = 5_000;

function tag(params: URLSearchParams, name: string): string | null {
  const value = params.get(name)?.trim();
  return value ? value.slice(0, MAX_TAG) : null;
}

/** The registrable part is not computed: www. is dropped so "www.x.com" and "x.com" group together. */
function hostOf(url: URL): string {
  const host = url.hostname.toLowerCase();
  return host.startsWith('www.') ? host.slice(4) : host;
}

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

function readPage(pageUrl: string): PageFacts | null {
  const url = parse(pageUrl);
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) return null;
  // Most page URLs carry no query: no URLSearchParams for them.
  const params = url.search ? url.searchParams : null;
  return {
    host: hostOf(url),
    path: url.pathname || '/',
    utmSource: params && tag(params, 'utm_source'),
    utmMedium: params && tag(params, 'utm_medium'),
    utmCampaign: params && tag(params, 'utm_campaign'),
    utmTerm: params && tag(params, 'utm_term'),
    utmContent: params && tag(params, 'utm_content'),
  };
}

function readReferrerHost(referrer: string): string | null {
  const url = parse(referrer);
  return url ? hostOf(url) : null;
}

const pages = new Memo<PageFacts | null>(REMEMBERED_URLS);
const referrerHosts = new Memo<string | null>(REMEMBERED_URLS);

/** The facts of an absolute http(s) page URL, or null for anything else. */
export function pageFacts(pageUrl: string): PageFacts | null {
  return pages.get(pageUrl, () => readPage(pageUrl));
}

/** Attribution of a page view from its page's facts (see pageFacts) and the referrer as sent. */
export function attributionOf(page: PageFacts, referrer: string | null): Attribution {
  const refHost = referrer ? referrerHosts.get(referrer, () => readReferrerHost(referrer)) : null;
  return {
    path: page.path,
    // A referrer on the same site is navigation, not a source.
    referrerHost: refHost && refHost !== page.host ? refHost : null,
    utmSource: page.utmSource,
    utmMedium: page.utmMedium,
    utmCampaign: page.utmCampaign,
    utmTerm: page.utmTerm,
    utmContent: page.utmContent,
  };
}

/** Attribution of a page view by URL; a URL that is not absolute http(s) gets the defaults. */
export function attributePageview(pageUrl: string, referrer: string | null): Attribution {
  const page = pageFacts(pageUrl) ?? {
    host: '',
    path: '/',
    utmSource: null,
    utmMedium: null,
    utmCampaign: null,
    utmTerm: null,
    utmContent: null,
  };
  return attributionOf(page, referrer);
}
