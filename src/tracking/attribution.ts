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
function hostOf(url: string): string | null {
  try {
    const host = new URL(url).hostname.toLowerCase();
    return host.startsWith('www.') ? host.slice(4) : host;
  } catch {
    return null;
  }
}

export function attributePageview(pageUrl: string, referrer: string | null): Attribution {
  let path = '/';
  let params = new URLSearchParams();
  let pageHost: string | null = null;
  try {
    const url = new URL(pageUrl);
    path = url.pathname || '/';
    params = url.searchParams;
    pageHost = hostOf(pageUrl);
  } catch {
    // The collect schema only admits absolute URLs; keep the defaults for anything odd.
  }
  const refHost = referrer ? hostOf(referrer) : null;
  return {
    path,
    // A referrer on the same site is navigation, not a source.
    referrerHost: refHost && refHost !== pageHost ? refHost : null,
    utmSource: tag(params, 'utm_source'),
    utmMedium: tag(params, 'utm_medium'),
    utmCampaign: tag(params, 'utm_campaign'),
    utmTerm: tag(params, 'utm_term'),
    utmContent: tag(params, 'utm_content'),
  };
}
