// Builds every Set-Cookie header Spoor sends from the cookie definitions (definitions.ts): the name, path,
// Secure, HttpOnly and SameSite of the variant the server sets, host-only (no Domain: the server sets its
// cookies on the host that answers; only the script widens a mirror to the site's domain). The attribute
// string is built once per cookie and party, so a collect response only joins strings.
import { COOKIES, type CookieParty, type CookieVariant } from './definitions.ts';

/** The attributes of a cookie the server sets, as the definitions declare them. */
export interface CookieOptions {
  path: string;
  secure: boolean;
  httpOnly: boolean;
  sameSite: CookieVariant['sameSite'];
}

/**
 * The one function that reads a server cookie's attributes from its definition (`publicUrlIsHttps` decides
 * a cookie declared Secure "when the public URL is https").
 */
export function cookieOptions(name: string, party: CookieParty, publicUrlIsHttps = true): CookieOptions {
  const variant = COOKIES.find((cookie) => cookie.name === name)?.variants.find(
    (v) => v.party === party && v.setBy === 'server',
  );
  if (!variant?.path || variant.secure === 'when the page is https')
    throw new Error(`The cookie definitions declare no server-set ${name} for ${party}.`);
  return {
    path: variant.path,
    secure: variant.secure === 'when the public URL is https' ? publicUrlIsHttps : variant.secure,
    httpOnly: variant.httpOnly,
    sameSite: variant.sameSite,
  };
}

/** Serialises attributes as a Set-Cookie suffix (`; Path=/; Secure; HttpOnly; SameSite=Lax`). */
function attributeSuffix(options: CookieOptions): string {
  return (
    `; Path=${options.path}` +
    (options.secure ? '; Secure' : '') +
    (options.httpOnly ? '; HttpOnly' : '') +
    `; SameSite=${options.sameSite}`
  );
}

/** Sets one declared cookie: `(value, maxAgeSeconds) => Set-Cookie header`; Max-Age 0 deletes it. */
export type CookieSetter = (value: string, maxAgeSeconds: number) => string;

/** A setter for a cookie the definitions declare as set by the server for `party`. */
export function cookieSetter(name: string, party: CookieParty, publicUrlIsHttps = true): CookieSetter {
  const suffix = attributeSuffix(cookieOptions(name, party, publicUrlIsHttps));
  return (value, maxAgeSeconds) => `${name}=${value}; Max-Age=${maxAgeSeconds}${suffix}`;
}

/**
 * Sets a declared browser-session cookie (no Max-Age: the browser forgets it when it closes) or, with
 * `clear`, deletes it.
 */
export function sessionCookieSetter(
  name: string,
  party: CookieParty,
  publicUrlIsHttps: boolean,
): { set: (value: string) => string; clear: () => string } {
  const suffix = attributeSuffix(cookieOptions(name, party, publicUrlIsHttps));
  return { set: (value) => `${name}=${value}${suffix}`, clear: () => `${name}=; Max-Age=0${suffix}` };
}
