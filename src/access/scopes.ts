// What a signed-in user's role or an API key's scopes let it do: one pure rule over the route's admin area
// (declared where the route is mounted, src/app.ts) and whether the request reads or writes.

/** The scopes a key can carry; a key with none is treated as `full` (keys made before scopes existed). */
export const SCOPES = ['read-only', 'tracking', 'email', 'full'] as const;
export type Scope = (typeof SCOPES)[number];

/** The roles a user can have (docs/configuration.md, "Users and roles"). */
export const ROLES = ['administrator', 'marketer', 'analyst'] as const;
export type Role = (typeof ROLES)[number];

/**
 * The admin area a route belongs to: tracking (websites, reports, forms, history, privacy), email
 * (lists, messages, sends, suppressions, insights), contacts, which both admin scopes manage, and
 * administration (users, invitations, API keys, the audit log, settings).
 */
export const ADMIN_AREAS = ['tracking', 'contacts', 'email', 'administration'] as const;
export type AdminArea = (typeof ADMIN_AREAS)[number];

export type Access = 'read' | 'write';

/** Who is asking: a signed-in user (by role) or an API key (by scopes). */
export type Grant = { role: Role } | { scopes: readonly Scope[] };

export type Permissions = Record<AdminArea, { read: boolean; write: boolean }>;

const READ_METHODS = new Set(['GET', 'HEAD']);

export function accessOf(method: string): Access {
  return READ_METHODS.has(method.toUpperCase()) ? 'read' : 'write';
}

/** Which scope each area's writes need, beside `full` (administration: `full` only). */
const WRITERS: Record<AdminArea, readonly Scope[]> = {
  tracking: ['tracking'],
  email: ['email'],
  contacts: ['tracking', 'email'],
  administration: [],
};

/** What each role may do in each area: analysts read, marketers run everything but administration. */
const ROLE_ACCESS: Record<Role, Record<AdminArea, readonly Access[]>> = {
  administrator: {
    tracking: ['read', 'write'],
    contacts: ['read', 'write'],
    email: ['read', 'write'],
    administration: ['read', 'write'],
  },
  marketer: {
    tracking: ['read', 'write'],
    contacts: ['read', 'write'],
    email: ['read', 'write'],
    administration: [],
  },
  analyst: { tracking: ['read'], contacts: ['read'], email: ['read'], administration: [] },
};

/** The one rule: whether `grant` may `access` a route of `area` (undefined area: administrators and full keys). */
export function grantAllows(grant: Grant, area: AdminArea | undefined, access: Access): boolean {
  if ('role' in grant) {
    if (area === undefined) return grant.role === 'administrator';
    return ROLE_ACCESS[grant.role]?.[area]?.includes(access) ?? false;
  }
  const { scopes } = grant;
  if (scopes.includes('full')) return true;
  if (area === undefined) return false;
  if (access === 'read' && scopes.includes('read-only') && area !== 'administration') return true;
  return WRITERS[area].some((scope) => scopes.includes(scope));
}

/** Whether a key with `scopes` may make a `method` request to a route of `area`. */
export function scopesAllow(scopes: readonly Scope[], area: AdminArea | undefined, method: string): boolean {
  return grantAllows({ scopes }, area, accessOf(method));
}

/** The whole map, for the dashboard to hide what it may not do (GET /api/session). */
export function permissionsOf(grant: Grant): Permissions {
  return Object.fromEntries(
    ADMIN_AREAS.map((area) => [
      area,
      { read: grantAllows(grant, area, 'read'), write: grantAllows(grant, area, 'write') },
    ]),
  ) as Permissions;
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
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

/** A sentence for a 403: what the key or role may do and what this request needed. */
export function describeRefusal(grant: Grant, area: AdminArea | undefined, method: string): string {
  const access = accessOf(method);
  if ('role' in grant)
    return `Your role (${grant.role}) does not allow ${access === 'read' ? 'reading' : 'changing'} ${area ?? 'admin'} data (${method.toUpperCase()} on this route).`;
  const { scopes } = grant;
  const needed =
    area === undefined || area === 'administration'
      ? 'full'
      : access === 'read'
        ? ['read-only', ...WRITERS[area], 'full'].join(', ')
        : [...WRITERS[area], 'full'].join(', ');
  return `This API key's scopes (${scopes.join(', ')}) do not allow ${method.toUpperCase()} on this ${area ?? 'admin'} route; it needs one of: ${needed}.`;
}
