import { describe, expect, it } from 'vitest';
import { isPrivateAddress } from './private-address.ts';

describe('isPrivateAddress', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.255.0.9', true],
    ['10.1.2.3', true],
    ['172.16.0.1', true],
    ['172.31.255.255', true],
    ['192.168.1.1', true],
    ['100.64.0.1', true], // carrier-grade NAT
    ['169.254.169.254', true], // cloud metadata
    ['0.0.0.0', true],
    ['224.0.0.1', true], // multicast
    ['255.255.255.255', true],
    ['::1', true],
    ['::', true],
    ['fe80::1', true],
    ['fd00:ec2::254', true], // AWS metadata over IPv6
    ['fc00::1', true],
    ['ff02::1', true], // multicast
    ['::ffff:127.0.0.1', true], // IPv4-mapped
    ['::ffff:8.8.8.8', true], // mapped: refused whatever it maps
    ['64:ff9b::7f00:1', true], // NAT64 of 127.0.0.1
    ['not an address', true],
    ['8.8.8.8', false],
    ['172.32.0.1', false],
    ['100.128.0.1', false],
    ['1.1.1.1', false],
    ['2606:4700:4700::1111', false],
  ])('%s → %s', (address, expected) => {
    expect(isPrivateAddress(address)).toBe(expected);
  });
});
