// Network ranges of mail proxies and security gateways (resources/machine-ranges/, plus an operator's
// file such as Apple's daily egress list): tells which kind of machine, if any, a client address is.
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { AddressRangeSet } from './address-ranges.ts';

/** Which kind of machine network an address belongs to; the rules decide what that means per event. */
export type NetworkLabel = 'apple-mpp' | 'google-image-proxy' | 'security-gateway' | 'proxy-range';

/** Shipped files, by label. */
const SHIPPED: readonly { label: NetworkLabel; file: string }[] = [
  { label: 'apple-mpp', file: 'apple-mpp.txt' },
  { label: 'google-image-proxy', file: 'google-image-proxy.txt' },
  { label: 'security-gateway', file: 'security-gateways.txt' },
];

const RESOURCES = new URL('../../../resources/machine-ranges/', import.meta.url);

export interface MachineRanges {
  /** The label of the first list holding `ip`, or null (also for anything that is not an address). */
  classify(ip: string | undefined): NetworkLabel | null;
}

/**
 * CIDRs of a range file: one per line, "#" comments, anything after a comma ignored (so Apple's
 * egress-ip-ranges.csv, "CIDR,country,region,city", is read as it is published).
 */
export function parseRanges(
  text: string,
  source: string,
): { network: string; prefix: number; type: 'ipv4' | 'ipv6' }[] {
  const ranges = [];
  for (const [index, rawLine] of text.split(/\r?\n/).entries()) {
    const line = (rawLine.split('#')[0] ?? '').split(',')[0]?.trim() ?? '';
    if (line === '') continue;
    const [network = '', prefixText] = line.split('/');
    const version = isIP(network);
    const max = version === 4 ? 32 : 128;
    const prefix = prefixText === undefined ? max : Number(prefixText);
    if (version === 0 || !Number.isInteger(prefix) || prefix < 0 || prefix > max) {
      throw new Error(`${source} line ${index + 1}: "${line}" is not an address range (CIDR).`);
    }
    ranges.push({ network, prefix, type: version === 4 ? ('ipv4' as const) : ('ipv6' as const) });
  }
  return ranges;
}

function rangeSetOf(text: string, source: string): AddressRangeSet {
  return new AddressRangeSet(parseRanges(text, source));
}

/** Loads the shipped lists and, when given, the operator's extra file (labelled "proxy-range"). */
export function loadMachineRanges(extraFile: string | undefined): MachineRanges {
  const lists: { label: NetworkLabel; list: AddressRangeSet }[] = SHIPPED.map(({ label, file }) => {
    const url = new URL(file, RESOURCES);
    return { label, list: rangeSetOf(readFileSync(url, 'utf8'), url.pathname) };
  });
  if (extraFile) {
    let text: string;
    try {
      text = readFileSync(extraFile, 'utf8');
    } catch (error) {
      throw new Error(`SPOOR_MACHINE_RANGES_FILE cannot be read: ${(error as Error).message}`);
    }
    lists.push({ label: 'proxy-range', list: rangeSetOf(text, extraFile) });
  }
  return rangesOf(lists);
}

export function rangesOf(lists: readonly { label: NetworkLabel; list: AddressRangeSet }[]): MachineRanges {
  return {
    classify(ip) {
      if (!ip) return null;
      // Dual-stack servers report IPv4 clients as ::ffff:a.b.c.d.
      const address = ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
      const version = isIP(address);
      if (version === 0) return null;
      for (const { label, list } of lists) if (list.has(address)) return label;
      return null;
    },
  };
}
