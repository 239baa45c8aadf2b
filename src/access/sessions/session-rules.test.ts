import { describe, expect, it } from 'vitest';
import { forgeryRefusal, sessionEnded, signInOriginRefusal } from './session-rules.ts';

const MIN = 60_000;
const timeouts = { idleMs: 30 * MIN, absoluteMs: 12 * 60 * MIN };

describe('sessionEnded', () => {
  const session = (createdAt: number, lastSeenAt: number) => ({
    createdAt,
    lastSeenAt,
    expiresAt: createdAt + timeouts.absoluteMs,
  });
  it.each([
    ['just signed in', session(0, 0), 0, null],
    ['used 29 minutes ago', session(0, 60 * MIN), 89 * MIN, null],
    ['unused for exactly the idle timeout', session(0, 60 * MIN), 90 * MIN, 'idle'],
    ['unused for longer', session(0, 0), 31 * MIN, 'idle'],
    ['busy, a minute before the absolute timeout', session(0, 719 * MIN), 719 * MIN, null],
    ['busy, at the absolute timeout', session(0, 719 * MIN), 720 * MIN, 'absolute'],
    ['both past: absolute wins', session(0, 0), 800 * MIN, 'absolute'],
    [
      'stored expiry earlier than the configured one (the setting was lowered)',
      { createdAt: 0, lastSeenAt: 10 * MIN, expiresAt: 15 * MIN },
      15 * MIN,
      'absolute',
    ],
  ] as const)('%s → %s', (_label, times, now, ended) => {
    expect(sessionEnded(times, timeouts, now)).toBe(ended);
  });
});

describe('forgeryRefusal', () => {
  const own = 'https://spoor.example';
  const token = 'csrf-token-of-the-session';
  it.each([
    ['own origin and the token', { origin: own, secFetchSite: undefined, csrfHeader: token }, null],
    [
      'the origin the request was addressed to',
      { origin: 'http://10.0.0.5:8080', secFetchSite: undefined, csrfHeader: token },
      null,
    ],
    [
      'no origin, same-origin fetch metadata, the token',
      { origin: undefined, secFetchSite: 'same-origin', csrfHeader: token },
      null,
    ],
    [
      'another origin',
      { origin: 'https://evil.example', secFetchSite: 'cross-site', csrfHeader: token },
      /cross-site request forgery/,
    ],
    [
      'a sibling subdomain',
      { origin: 'https://app.spoor.example', secFetchSite: 'same-site', csrfHeader: token },
      /cross-site/,
    ],
    [
      'the same host over http',
      { origin: 'http://spoor.example', secFetchSite: undefined, csrfHeader: token },
      /cross-site/,
    ],
    [
      'the literal origin "null"',
      { origin: 'null', secFetchSite: undefined, csrfHeader: token },
      /cross-site/,
    ],
    [
      'no origin, no metadata',
      { origin: undefined, secFetchSite: undefined, csrfHeader: token },
      /Origin header/,
    ],
    [
      'no origin, same-site metadata',
      { origin: undefined, secFetchSite: 'same-site', csrfHeader: token },
      /Origin header/,
    ],
    [
      'own origin, no token',
      { origin: own, secFetchSite: undefined, csrfHeader: undefined },
      /needs the X-CSRF-Token/,
    ],
    [
      'own origin, empty token',
      { origin: own, secFetchSite: undefined, csrfHeader: '' },
      /needs the X-CSRF-Token/,
    ],
    [
      'own origin, another token',
      { origin: own, secFetchSite: undefined, csrfHeader: 'x'.repeat(token.length) },
      /does not match/,
    ],
    [
      'own origin, a prefix of the token',
      { origin: own, secFetchSite: undefined, csrfHeader: token.slice(0, 5) },
      /does not match/,
    ],
  ] as const)('%s', (_label, request, refusal) => {
    const result = forgeryRefusal(request, [own, 'http://10.0.0.5:8080'], token);
    if (refusal === null) expect(result).toBeNull();
    else expect(result).toMatch(refusal);
  });
});

describe('signInOriginRefusal', () => {
  it.each([
    [undefined, null],
    ['https://spoor.example', null],
    ['https://evil.example', /not allowed/],
    ['null', /not allowed/],
  ])('%s', (origin, refusal) => {
    const result = signInOriginRefusal(origin, ['https://spoor.example']);
    if (refusal === null) expect(result).toBeNull();
    else expect(result).toMatch(refusal);
  });
});
