// Where a page view came from: its path, the external referrer's host and the UTM tags of its URL.
export interface Attribution {
  path: string;
  referrerHost: string | null;
  utmSource: string | null;
  utmMedium: string | null;
  utmCampaign: string | null;
  utmTerm: string | null;
  utmContent: string | null;
}

const MAX_TAG = 200;

function tag(params: URLSearchParams, name: string): string | null {
  const value = params.get(name)?.trim();
  return value ? value.slice(0, MAX_TAG) : null;
}

/** The registrable part is not computed: www. is dropped so "www.x.com" and "x.com" group together. */
function hostOf(url: URL): string {
  const host = url.hostname.toLowerCase();
  return host.startsWith('www.') ? host.slice(4) : host;
}

function parse(url: string | URL): URL | null {
  if (typeof url !== 'string') return url;
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** The page URL may come already parsed (collect checks it), so it is parsed once per page view. */
export function attributePageview(pageUrl: string | URL, referrer: string | null): Attribution {
  // The collect schema only admits absolute URLs; keep the defaults for anything odd.
  const url = parse(pageUrl);
  const params = url ? url.searchParams : new URLSearchParams();
  const pageHost = url ? hostOf(url) : null;
  const ref = referrer ? parse(referrer) : null;
  const refHost = ref ? hostOf(ref) : null;
  return {
    path: url?.pathname || '/',
    // A referrer on the same site is navigation, not a source.
    referrerHost: refHost && refHost !== pageHost ? refHost : null,
    utmSource: tag(params, 'utm_source'),
    utmMedium: tag(params, 'utm_medium'),
    utmCampaign: tag(params, 'utm_campaign'),
    utmTerm: tag(params, 'utm_term'),
    utmContent: tag(params, 'utm_content'),
  };
}
