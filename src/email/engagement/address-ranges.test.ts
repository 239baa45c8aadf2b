import { isIPv4 } from 'node:net';
import { describe, expect, it } from 'vitest';
import { AddressRangeSet, ipv4Number } from './address-ranges.ts';

const set = new AddressRangeSet([
  { network: '17.0.0.0', prefix: 8, type: 'ipv4' },
  { network: '104.28.0.0', prefix: 16, type: 'ipv4' },
  { network: '104.29.0.0', prefix: 16, type: 'ipv4' },
  { network: '192.0.2.7', prefix: 32, type: 'ipv4' },
  { network: '10.1.2.3', prefix: 16, type: 'ipv4' },
  { network: '2a02:26f7::', prefix: 32, type: 'ipv6' },
  { network: '2001:db8::1', prefix: 128, type: 'ipv6' },
]);

describe('address ranges', () => {
  it.each([
    ['17.0.0.0', true],
    ['17.255.255.255', true],
    ['16.255.255.255', false],
    ['18.0.0.0', false],
    ['104.28.5.1', true],
    ['104.29.255.255', true],
    ['104.30.0.0', false],
    ['192.0.2.7', true],
    ['192.0.2.8', false],
    ['10.1.200.9', true],
    ['10.2.0.0', false],
    ['2a02:26f7:1234::5', true],
    ['2a02:26f8::', false],
    ['2001:db8::1', true],
    ['2001:db8::2', false],
    ['::ffff:17.1.2.3', false],
    ['not an address', false],
    ['', false],
  ])('%s → %s', (address, expected) => {
    expect(set.has(address)).toBe(expected);
  });

  it('holds a list the size of Apple’s published egress ranges', () => {
    const ranges = Array.from({ length: 300_000 }, (_, i) => ({
      network: `${(i >> 16) + 20}.${(i >> 8) & 255}.${i & 255}.0`,
      prefix: 24,
      type: 'ipv4' as const,
    }));
    const big = new AddressRangeSet(ranges);
    expect(big.has('20.0.5.77')).toBe(true);
    expect(big.has('24.147.223.1')).toBe(true);
    expect(big.has('24.147.224.1')).toBe(false);
    expect(big.has('19.255.255.255')).toBe(false);
  });

  it.each([
    ['0.0.0.0', 0],
    ['127.0.0.1', 0x7f000001],
    ['255.255.255.255', 0xffffffff],
    ['10.1.200.9', 0x0a01c809],
    ['256.1.1.1', null],
    ['1.2.3', null],
    ['1.2.3.4.5', null],
    ['1..2.3', null],
    ['.1.2.3', null],
    ['1.2.3.', null],
    ['01.2.3.4', null],
    ['1.2.3.04', null],
    ['1.2.3.1000', null],
    ['1.2.3.4 ', null],
    ['::ffff:1.2.3.4', null],
    ['', null],
  ])('ipv4Number(%j) → %s, as node:net judges it', (address, expected) => {
    expect(ipv4Number(address)).toBe(expected);
    expect(expected !== null).toBe(isIPv4(address));
  });
});
