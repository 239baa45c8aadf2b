import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadMachineRanges, parseRanges } from './machine-ranges.ts';

describe('parseRanges', () => {
  it("reads CIDR lists and Apple's egress CSV alike, skipping comments and blank lines", () => {
    const text = [
      '# header',
      '',
      '172.224.224.0/27,GB,GB-EN,London,',
      '2a02:26f7:b3c0:4000::/64,US,US-CA,Los Angeles,',
      '  10.1.2.3  # a single address',
    ].join('\r\n');
    expect(parseRanges(text, 'f')).toEqual([
      { network: '172.224.224.0', prefix: 27, type: 'ipv4' },
      { network: '2a02:26f7:b3c0:4000::', prefix: 64, type: 'ipv6' },
      { network: '10.1.2.3', prefix: 32, type: 'ipv4' },
    ]);
  });

  it.each(['not-an-address', '10.0.0.0/33', '10.0.0.0/x', '::1/129', '300.1.1.1/8'])(
    'refuses "%s" naming the file and line',
    (line) => {
      expect(() => parseRanges(`# ok\n${line}`, 'ranges.txt')).toThrow(`ranges.txt line 2: "${line}"`);
    },
  );
});

describe('loadMachineRanges', () => {
  it.each([
    { ip: '17.58.100.7', label: 'apple-mpp' },
    { ip: '::ffff:17.1.2.3', label: 'apple-mpp' },
    { ip: '2620:149:a:b::1', label: 'apple-mpp' },
    { ip: '66.249.84.1', label: 'google-image-proxy' },
    { ip: '40.107.235.9', label: 'security-gateway' },
    { ip: '104.47.10.1', label: 'security-gateway' },
    { ip: '2a01:111:f400::5', label: 'security-gateway' },
    { ip: '198.51.100.1', label: null },
    { ip: '2001:db8::1', label: null },
    { ip: 'garbage', label: null },
    { ip: undefined, label: null },
  ])('labels $ip from the shipped lists as $label', ({ ip, label }) => {
    expect(loadMachineRanges(undefined).classify(ip)).toBe(label);
  });

  it("adds the operator's file as proxy ranges, and says clearly when it cannot be read", () => {
    const dir = mkdtempSync(join(tmpdir(), 'spoor-ranges-'));
    try {
      const file = join(dir, 'egress-ip-ranges.csv');
      writeFileSync(file, '172.224.224.0/27,GB,GB-EN,London,\n');
      const ranges = loadMachineRanges(file);
      expect(ranges.classify('172.224.224.9')).toBe('proxy-range');
      expect(ranges.classify('172.224.225.9')).toBeNull();
      expect(() => loadMachineRanges(join(dir, 'missing.csv'))).toThrow(
        /SPOOR_MACHINE_RANGES_FILE cannot be read/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
