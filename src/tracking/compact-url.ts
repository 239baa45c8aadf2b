// A page view's URL and referrer are stored as what its visit does not already say (migration 039,
// decision 045): the visit keeps its entry URL's origin once, a page view on that origin keeps only what
// follows its path (the query and fragment, usually nothing), and a referrer on it (navigation within the
// site) only what follows the origin. Any other URL or referrer is stored whole.

/** The scheme and authority of an absolute http(s) URL, as written ("https://www.shop.example"), or null. */
export function urlOrigin(url: string): string | null {
  const scheme = url.startsWith('https://') ? 8 : url.startsWith('http://') ? 7 : 0;
  if (scheme === 0) return null;
  const slash = url.indexOf('/', scheme);
  const end = slash === -1 ? url.length : slash;
  // No authority, or one ending in a query or fragment ("https://x?y"): not worth the special case.
  if (end === scheme || url.slice(scheme, end).search(/[?#]/) !== -1) return null;
  return url.slice(0, end);
}

/** The stored form of a page view's URL: `url` whole, or null with `url_query` the rest after origin + path. */
export function compactUrl(
  url: string,
  origin: string | null,
  path: string,
): { url: string | null; url_query: string | null } {
  if (
    origin !== null &&
    path.startsWith('/') &&
    url.startsWith(path, origin.length) &&
    url.startsWith(origin)
  ) {
    const rest = url.slice(origin.length + path.length);
    return { url: null, url_query: rest === '' ? null : rest };
  }
  return { url, url_query: null };
}

/** The stored form of a page view's referrer: `referrer` whole, or null with `referrer_path` what follows the origin. */
export function compactReferrer(
  referrer: string | null,
  origin: string | null,
): { referrer: string | null; referrer_path: string | null } {
  if (referrer !== null && origin !== null && referrer.startsWith(origin) && referrer[origin.length] === '/')
    return { referrer: null, referrer_path: referrer.slice(origin.length) };
  return { referrer, referrer_path: null };
}

/** The URL a stored page view was recorded with (the inverse of compactUrl). */
export function fullUrl(
  url: string | null,
  origin: string | null,
  path: string,
  urlQuery: string | null,
): string {
  return url ?? `${origin ?? ''}${path}${urlQuery ?? ''}`;
}
