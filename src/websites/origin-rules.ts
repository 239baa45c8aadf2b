// Whether a browser origin may send events for a website: exact origins or "https://*.example.com".
export function isOriginAllowed(origin: string, allowed: readonly string[]): boolean {
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false;
  }
  const normalized = parsed.origin;
  for (const pattern of allowed) {
    if (pattern === '*') return true;
    const wildcard = /^(https?):\/\/\*\.(.+)$/.exec(pattern);
    if (wildcard) {
      const [, scheme, suffix] = wildcard;
      if (parsed.protocol === `${scheme}:` && parsed.host.endsWith(`.${suffix}`)) return true;
      continue;
    }
    if (normalized === pattern.replace(/\/+$/, '')) return true;
  }
  return false;
}

/** Validates an origin pattern as written by a marketer; returns a message when it is not usable. */
export function checkOriginPattern(pattern: string): string | null {
  if (pattern === '*') return null;
  const candidate = pattern.replace('://*.', '://wildcard.');
  try {
    const url = new URL(candidate);
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
      return `"${pattern}" must start with https:// or http://`;
    if (url.pathname !== '/' || url.search || url.hash)
      return `"${pattern}" must be an origin, without a path`;
    return null;
  } catch {
    return `"${pattern}" is not an origin like https://www.example.com`;
  }
}
