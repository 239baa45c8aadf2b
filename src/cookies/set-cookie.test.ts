import { describe, expect, it } from 'vitest';
import { COOKIES, PREFILL_COOKIE, VISITOR_COOKIE } from './definitions.ts';
import { cookieOptions, cookieSetter } from './set-cookie.ts';

const serverSet = COOKIES.flatMap((cookie) =>
  cookie.variants.filter((v) => v.setBy === 'server').map((v) => [cookie.name, v] as const),
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
