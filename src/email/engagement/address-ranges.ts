// A set of IP address ranges answering "is this address in it?" in O(log n): Apple's published
// egress list alone holds hundreds of thousands of ranges, and node:net's BlockList checks them one
// by one (milliseconds per address). Ranges are kept as sorted, merged [start, end] intervals; IPv4 ones
// as plain numbers, since the pixel and the click ask for every hit and parsing into a BigInt made a
// check three times slower (0.6 against 0.2 µs with the shipped lists).
import { isIPv6 } from 'node:net';

type Interval = [bigint, bigint];

/** Sorted, merged IPv4 intervals as numbers: starts[i]..ends[i]. */
interface NumberIntervals {
  starts: Float64Array;
  ends: Float64Array;
}

/** `a.b.c.d` (no leading zeros) as an unsigned 32-bit number; null when the text is not that. */
export function ipv4Number(address: string): number | null {
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i <= address.length; i++) {
    const code = i < address.length ? address.charCodeAt(i) : 46; // a final '.' closes the last part
    if (code === 46) {
      if (digits === 0 || part > 255) return null;
      value = value * 256 + part;
      part = 0;
      digits = 0;
      if (i < address.length && ++dots > 3) return null;
    } else if (code >= 48 && code <= 57) {
      if (digits === 1 && part === 0) return null; // a leading zero
      part = part * 10 + (code - 48);
      digits += 1;
      if (digits > 3) return null;
    } else return null;
  }
  return dots === 3 ? value : null;
}

function ipv4ToBigInt(address: string): bigint {
  const value = ipv4Number(address);
  if (value === null) throw new Error(`"${address}" is not an IPv4 address.`);
  return BigInt(value);
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

function containsNumber({ starts, ends }: NumberIntervals, value: number): boolean {
  let low = 0;
  let high = starts.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (value < (starts[middle] as number)) high = middle - 1;
    else if (value > (ends[middle] as number)) low = middle + 1;
    else return true;
  }
  return false;
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
  private readonly v4: NumberIntervals;
  private readonly v6: Interval[];

  /** Builds the set from CIDRs (network, prefix length, family). */
  constructor(ranges: readonly { network: string; prefix: number; type: 'ipv4' | 'ipv6' }[]) {
    const v4: Interval[] = [];
    const v6: Interval[] = [];
    for (const { network, prefix, type } of ranges) {
      const bits = type === 'ipv4' ? 32n : 128n;
      const base = type === 'ipv4' ? ipv4ToBigInt(network) : ipv6ToBigInt(network);
      const hostBits = bits - BigInt(prefix);
      const start = (base >> hostBits) << hostBits;
      const end = start + (1n << hostBits) - 1n;
      (type === 'ipv4' ? v4 : v6).push([start, end]);
    }
    const mergedV4 = merged(v4);
    this.v4 = {
      starts: Float64Array.from(mergedV4, ([start]) => Number(start)),
      ends: Float64Array.from(mergedV4, ([, end]) => Number(end)),
    };
    this.v6 = merged(v6);
  }

  has(address: string): boolean {
    const v4 = ipv4Number(address);
    if (v4 !== null) return containsNumber(this.v4, v4);
    if (isIPv6(address)) return contains(this.v6, ipv6ToBigInt(address.split('%')[0] as string));
    return false;
  }
}
