// NUL (U+0000) is refused in every input: PostgreSQL cannot store it, so both engines refuse it alike.

export const NUL_MESSAGE =
  'The request holds a NUL character (U+0000), which Spoor does not accept in any text, id or header.';

/** Headers whose values Spoor stores (a browser never sends NUL in them; HTTP forbids it). */
const STORED_HEADERS = ['user-agent', 'referer', 'origin'] as const;

/**
 * True when a request's URL (path ids and query alike, raw or percent-encoded) or a header Spoor stores
 * holds a NUL. "%00" cannot appear by accident: a literal "%00" in a value is sent as "%2500".
 */
export function requestHoldsNul(
  url: string,
  headers: Record<string, string | string[] | undefined>,
): boolean {
  if (url.includes('%00') || url.includes('\u0000')) return true;
  for (const name of STORED_HEADERS) {
    const value = headers[name];
    if (typeof value === 'string' ? value.includes('\u0000') : value?.some((v) => v.includes('\u0000')))
      return true;
  }
  return false;
}

/** True when a url-encoded body decodes to text holding a NUL. */
export function formBodyHoldsNul(body: string): boolean {
  return body.includes('%00') || body.includes('\u0000');
}
