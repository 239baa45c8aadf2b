import { describe, expect, it } from 'vitest';
import { type Opened, type Purpose, Seal } from '../../platform/seal.ts';
import { openPassCode, type PassSecrets, passCodeFor, passQrPng, passQrSvg } from './pass-code.ts';

const secretsOf = (fill: string): PassSecrets => {
  const seal = new Seal([{ version: 1, secret: Buffer.alloc(32, fill) }]);
  return {
    seal,
    open: async (purpose: Purpose, value: string, now?: number): Promise<Opened<string[]>> =>
      seal.openText(purpose, value, now),
  } as PassSecrets;
};
const ours = secretsOf('ours');
const ID = 'Sj0aHBvHk8flcrj5UC2KbA';

describe('pass codes', () => {
  it('are the same every time, name only the registration, and open to it (spaces ignored)', async () => {
    const code = passCodeFor(ours, ID);
    expect(passCodeFor(ours, ID)).toBe(code);
    expect(code).toMatch(new RegExp(`^${ID}\\.[A-Za-z0-9_-]{24}$`));
    expect(await openPassCode(ours, code)).toBe(ID);
    expect(await openPassCode(ours, ` ${code.slice(0, 9)}\n${code.slice(9)} `)).toBe(ID);
  });

  it('refuse every altered character, another install’s code, other purposes and junk', async () => {
    const code = passCodeFor(ours, ID);
    for (let i = 0; i < code.length; i += 1) {
      if (code[i] === '.') continue;
      const altered = code.slice(0, i) + (code[i] === 'x' ? 'y' : 'x') + code.slice(i + 1);
      expect(await openPassCode(ours, altered), altered).toBeNull();
    }
    expect(await openPassCode(ours, passCodeFor(secretsOf('theirs'), ID))).toBeNull();
    expect(await openPassCode(ours, ours.seal.sealText('event sign-in', [ID]))).toBeNull();
    for (const junk of ['', ID, 'a.b.c', '🎟️', 'x'.repeat(500)])
      expect(await openPassCode(ours, junk), junk).toBeNull();
  });

  it('make a PNG and an SVG QR code', async () => {
    const code = passCodeFor(ours, ID);
    const png = await passQrPng(code);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(png.readUInt32BE(16)).toBe(320); // the IHDR width
    const svg = await passQrSvg(code);
    expect(svg).toMatch(/^<svg [^>]*viewBox="0 0 \d+ \d+"/);
    expect(svg).toContain('<path');
  });
});
