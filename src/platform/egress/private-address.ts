// Which network addresses an outgoing request of Spoor's (webhooks, SNS certificates) must never reach
// unless an administrator allowed the host: loopback, private, carrier-grade NAT, link-local (the cloud
// metadata service at 169.254.169.254 among them), unique-local IPv6 (AWS's fd00:ec2::254), the
// unspecified address, multicast and reserved ranges, and IPv4 mapped into IPv6 (::ffff:127.0.0.1).
import { BlockList, isIP } from 'node:net';

const PRIVATE = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3],
] as const)
  PRIVATE.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 127],
  ['100::', 64],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  PRIVATE.addSubnet(net, prefix, 'ipv6');

// IPv4 inside IPv6 (mapped, NAT64): refused whatever it maps. A list of its own, asked only for IPv6
// addresses: BlockList also matches plain IPv4 addresses against ::ffff:0:0/96.
const EMBEDDED_V4 = new BlockList();
EMBEDDED_V4.addSubnet('::ffff:0:0', 96, 'ipv6');
EMBEDDED_V4.addSubnet('64:ff9b::', 96, 'ipv6');

/** True for an address Spoor must not connect to by default; anything not an IP address is refused too. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  if (family === 6) return EMBEDDED_V4.check(address, 'ipv6') || PRIVATE.check(address, 'ipv6');
  return PRIVATE.check(address, 'ipv4');
}
