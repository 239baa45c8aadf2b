import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { carriesToken, metricsEnabled } from './routes.ts';

const TOKEN = 'abcdefghijklmnop-0123';

describe('metrics settings', () => {
  it.each([
    [{}, { metricsToken: undefined, metricsPort: undefined, metricsHost: '127.0.0.1' }, false],
    [{ SPOOR_METRICS_TOKEN: TOKEN }, { metricsToken: TOKEN, metricsPort: undefined }, true],
    [
      { SPOOR_METRICS_PORT: '9464' },
      { metricsToken: undefined, metricsPort: 9464, metricsHost: '127.0.0.1' },
      true,
    ],
    [
      { SPOOR_METRICS_PORT: '9464', SPOOR_METRICS_HOST: '10.0.0.5' },
      { metricsPort: 9464, metricsHost: '10.0.0.5' },
      true,
    ],
  ])('%o', (env, expected, enabled) => {
    const config = loadConfig(env);
    expect(config).toMatchObject(expected);
    expect(metricsEnabled(config)).toBe(enabled);
  });

  it.each([
    [{ SPOOR_METRICS_TOKEN: 'short' }, /SPOOR_METRICS_TOKEN must be at least 16 printable characters/],
    [{ SPOOR_METRICS_TOKEN: 'has a space in it, sadly' }, /SPOOR_METRICS_TOKEN must be/],
    [{ SPOOR_METRICS_PORT: '0' }, /SPOOR_METRICS_PORT must be a whole number from 1 to 65535/],
    [{ SPOOR_METRICS_PORT: 'nine' }, /SPOOR_METRICS_PORT must be a whole number/],
  ])('refuses %o', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it.each([
    [`Bearer ${TOKEN}`, TOKEN, true],
    [`bearer ${TOKEN}`, TOKEN, true],
    [TOKEN, TOKEN, false],
    [`Bearer ${TOKEN}x`, TOKEN, false],
    ['Bearer ', TOKEN, false],
    [undefined, TOKEN, false],
    [undefined, undefined, true],
  ])('authorization %s with token %s: %s', (authorization, token, accepted) => {
    expect(carriesToken(authorization, token)).toBe(accepted);
  });
});
