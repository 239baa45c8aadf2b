// A set of IP address ranges answering "is this address in it?" in O(log n): Apple's published
// egress list alone holds hundreds of thousands of ranges, and node:net's BlockList checks them one
// by one (milliseconds per address). Ranges are kept as sorted, merged [start, end] intervals.
import { isIPv4, isIPv6 } from 'node:net';

type Interval = [bigint, bigint];

function ipv4ToBigInt(address: string): bigint {
  let value = 0n;
  for (const part of address.split('.')) value = (value << 8n) | BigInt(Number(part));
  return value;
}

function ipv6ToBigInt(address: string): bigint {
  // An embedded IPv4 tail (::ffff:1.2.3.4) becomes its two 16-bit groups.
  let text = address;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const n = ipv4ToBigInt(v4[1] as string);
    text = `${text.slice(0, v4.index)}${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups =
    tail === undefined
      ? headGroups
      : [...headGroups, ...Array(8 - headGroups.length - tailGroups.length).fill('0'), ...tailGroups];
  let value = 0n;
  for (const group of groups) value = (value << 16n) | BigInt(Number.parseInt(group, 16));
  return value;
}

function merged(intervals: Interval[]): Interval[] {
  intervals.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const out: Interval[] = [];
  for (const interval of intervals) {
    const last = out[out.length - 1];
    if (last && interval[0] <= last[1] + 1n) {
      if (interval[1] > last[1]) last[1] = interval[1];
    } else {
      out.push([interval[0], interval[1]]);
    }
  }
  return out;
}

function contains(intervals: readonly Interval[], value: bigint): boolean {
  let low = 0;
  let high = intervals.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const [start, end] = intervals[middle] as Interval;
    if (value < start) high = middle - 1;
    else if (value > end) low = middle + 1;
    else return true;
  }
  return false;
}

export class AddressRangeSet {
  private v4: Interval[] = [];
  private v6: Interval[] = [];

  /** Builds the set from CIDRs (network, prefix length, family). */
  constructor(ranges: readonly { network: string; prefix: number; type: 'ipv4' | 'ipv6' }[]) {
    for (const { network, prefix, type } of ranges) {
      const bits = type === 'ipv4' ? 32n : 128n;
      const base = type === 'ipv4' ? ipv4ToBigInt(network) : ipv6ToBigInt(network);
      const hostBits = bits - BigInt(prefix);
      const start = (base >> hostBits) << hostBits;
      const end = start + (1n << hostBits) - 1n;
      (type === 'ipv4' ? this.v4 : this.v6).push([start, end]);
    }
    this.v4 = merged(this.v4);
    this.v6 = merged(this.v6);
  }

  has(address: string): boolean {
    if (isIPv4(address)) return contains(this.v4, ipv4ToBigInt(address));
    if (isIPv6(address)) return contains(this.v6, ipv6ToBigInt(address.split('%')[0] as string));
    return false;
  }
}
