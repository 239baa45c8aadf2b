import { describe, expect, it } from 'vitest';
import { COOKIES, LANGUAGE_COOKIE, PREFILL_COOKIE, SESSION_COOKIE, VISITOR_COOKIE } from './definitions.ts';
import { cookieOptions, cookieSetter, sessionCookieSetter } from './set-cookie.ts';

/** Server cookies with a lifetime (the session cookie is a browser-session one: below). */
// Cookies Secure only when the public URL is https have their own cases below.
const serverSet = COOKIES.flatMap((cookie) =>
  cookie.variants
    .filter((v) => v.setBy === 'server' && v.secure !== 'when the public URL is https')
    .map((v) => [cookie.name, v] as const),
);

describe('cookieSetter', () => {
  it.each(serverSet)('sets %s with the attributes its definition declares', (name, variant) => {
    const header = cookieSetter(name, variant.party)('abc', 3600);
    const parts = header.split('; ');
    expect(parts[0]).toBe(`${name}=abc`);
    expect(parts).toContain('Max-Age=3600');
    expect(parts).toContain(`Path=${variant.path}`);
    expect(parts).toContain(`SameSite=${variant.sameSite}`);
    expect(parts.includes('Secure')).toBe(variant.secure === true);
    expect(parts.includes('HttpOnly')).toBe(variant.httpOnly);
    expect(parts.some((p) => p.startsWith('Domain='))).toBe(false);
  });

  it('sets the session cookie for the browser session, Secure when the public URL is https', () => {
    const https = sessionCookieSetter(SESSION_COOKIE, 'first-party (Spoor host)', true);
    expect(https.set('abc')).toBe('spoor_session=abc; Path=/; Secure; HttpOnly; SameSite=Strict');
    expect(https.clear()).toBe('spoor_session=; Max-Age=0; Path=/; Secure; HttpOnly; SameSite=Strict');
    const http = sessionCookieSetter(SESSION_COOKIE, 'first-party (Spoor host)', false);
    expect(http.set('abc')).toBe('spoor_session=abc; Path=/; HttpOnly; SameSite=Strict');
  });

  it('sets the language cookie on /events, Secure when the public URL is https', () => {
    const party = 'first-party (Spoor host)';
    expect(cookieSetter(LANGUAGE_COOKIE, party, true)('fr', 60)).toBe(
      'spoor_lang=fr; Max-Age=60; Path=/events; Secure; HttpOnly; SameSite=Lax',
    );
    expect(cookieSetter(LANGUAGE_COOKIE, party, false)('fr', 60)).toBe(
      'spoor_lang=fr; Max-Age=60; Path=/events; HttpOnly; SameSite=Lax',
    );
  });

  it('the prefill cookie stays on /f/, the tracking cookies on /', () => {
    expect(cookieOptions(PREFILL_COOKIE, 'first-party (your site)').path).toBe('/f/');
    expect(cookieOptions(VISITOR_COOKIE, 'third-party (tracking host)')).toEqual({
      path: '/',
      secure: true,
      httpOnly: true,
      sameSite: 'None',
    });
  });

  it('refuses a cookie the definitions do not declare as set by the server', () => {
    expect(() => cookieSetter('spoor_t', 'first-party (your site)')).toThrow(/declare no server-set/);
    expect(() => cookieSetter(PREFILL_COOKIE, 'third-party (tracking host)')).toThrow(
      /declare no server-set/,
    );
  });
});
