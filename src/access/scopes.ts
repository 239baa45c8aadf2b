// What an API key's scopes let it do: a pure rule over the route's admin area (declared where the
// route is mounted, src/app.ts) and the request method.

/** The scopes a key can carry; a key with none is treated as `full` (keys made before scopes existed). */
export const SCOPES = ['read-only', 'tracking', 'email', 'full'] as const;
export type Scope = (typeof SCOPES)[number];

/**
 * The admin area a route belongs to: tracking (websites, reports, forms, history, privacy), email
 * (lists, messages, sends, suppressions, insights), or contacts, which both admin scopes manage.
 */
export type AdminArea = 'tracking' | 'email' | 'contacts';

const READ_METHODS = new Set(['GET', 'HEAD']);

/** Which scope each area's writes need, beside `full`. */
const WRITERS: Record<AdminArea, readonly Scope[]> = {
  tracking: ['tracking'],
  email: ['email'],
  contacts: ['tracking', 'email'],
};

/** Whether a key with `scopes` may make a `method` request to a route of `area` (undefined: full only). */
export function scopesAllow(scopes: readonly Scope[], area: AdminArea | undefined, method: string): boolean {
  if (scopes.includes('full')) return true;
  if (area === undefined) return false;
  if (READ_METHODS.has(method.toUpperCase()) && scopes.includes('read-only')) return true;
  return WRITERS[area].some((scope) => scopes.includes(scope));
}

/** The scopes a key may hold, from what a person typed ("read-only,tracking" or repeated options). */
export function parseScopes(values: readonly string[]): Scope[] {
  const scopes = values
    .flatMap((value) => value.split(','))
    .map((value) => value.trim().toLowerCase())
    .filter((value) => value !== '');
  const unknown = scopes.filter((scope) => !(SCOPES as readonly string[]).includes(scope));
  if (unknown.length > 0)
    throw new Error(`Unknown scope ${unknown.map((s) => `"${s}"`).join(', ')}: use ${SCOPES.join(', ')}.`);
  return scopes.length === 0 ? ['full'] : [...new Set(scopes as Scope[])];
}

/** Scopes as stored (a comma-separated column) → the list; an empty or missing value is `full`. */
export function storedScopes(value: string | null | undefined): Scope[] {
  const scopes = (value ?? '')
    .split(',')
    .filter((s): s is Scope => (SCOPES as readonly string[]).includes(s));
  return scopes.length === 0 ? ['full'] : scopes;
}

/** A sentence for a 403: what the key may do and what this request needed. */
export function describeRefusal(
  scopes: readonly Scope[],
  area: AdminArea | undefined,
  method: string,
): string {
  const needed =
    area === undefined
      ? 'full'
      : READ_METHODS.has(method.toUpperCase())
        ? ['read-only', ...WRITERS[area], 'full'].join(', ')
        : [...WRITERS[area], 'full'].join(', ');
  return `This API key's scopes (${scopes.join(', ')}) do not allow ${method.toUpperCase()} on this ${area ?? 'admin'} route; it needs one of: ${needed}.`;
}
