import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.ts';

describe('forward settings', () => {
  it('defaults: 5 addresses a post, 10 per forwarder and email, 3 copies per address a day', () => {
    expect(loadConfig({}).forwards).toEqual({ perPost: 5, perForwarderPerSend: 10, perAddressPerDay: 3 });
  });

  it('takes lower and higher limits within their ranges', () => {
    const config = loadConfig({
      SPOOR_FORWARD_MAX_PER_POST: '1',
      SPOOR_FORWARD_MAX_PER_FORWARDER: '50',
      SPOOR_FORWARD_MAX_PER_ADDRESS_PER_DAY: '1',
    });
    expect(config.forwards).toEqual({ perPost: 1, perForwarderPerSend: 50, perAddressPerDay: 1 });
  });

  it.each([
    ['SPOOR_FORWARD_MAX_PER_POST', '6', /SPOOR_FORWARD_MAX_PER_POST must be a whole number from 1 to 5/],
    ['SPOOR_FORWARD_MAX_PER_FORWARDER', '0', /from 1 to 1000/],
    ['SPOOR_FORWARD_MAX_PER_ADDRESS_PER_DAY', 'lots', /from 1 to 100; got "lots"/],
  ])('%s=%s is refused with a clear message', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });
});
