import { describe, expect, it } from 'vitest';
import { estimateCardinality, SKETCH_REGISTERS, sketchEntry } from './visitor-sketch.ts';

function sketchOf(ids: Iterable<string>): Map<number, number> {
  const registers = new Map<number, number>();
  for (const id of ids) {
    const { reg, rho } = sketchEntry(id);
    registers.set(reg, Math.max(registers.get(reg) ?? 0, rho));
  }
  return registers;
}

const ids = (n: number, prefix = 'visitor') => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

describe('visitor sketch', () => {
  it('places every id in a register with a rank from 1 to 53', () => {
    for (const id of ids(1000)) {
      const { reg, rho } = sketchEntry(id);
      expect(reg).toBeGreaterThanOrEqual(0);
      expect(reg).toBeLessThan(SKETCH_REGISTERS);
      expect(rho).toBeGreaterThanOrEqual(1);
      expect(rho).toBeLessThanOrEqual(53);
    }
  });

  it('counts nothing as zero and a repeated id once', () => {
    expect(estimateCardinality(new Map())).toBe(0);
    expect(estimateCardinality(sketchOf(['a', 'a', 'a']))).toBe(1);
  });

  it.each([100, 10_000, 200_000])('estimates %i distinct ids within 5 %%', (n) => {
    const estimate = estimateCardinality(sketchOf(ids(n)));
    expect(Math.abs(estimate - n) / n).toBeLessThan(0.05);
  });

  it('merging per-day sketches by maximum counts visitors seen on several days once', () => {
    const day1 = sketchOf(ids(5000));
    const day2 = sketchOf([...ids(5000).slice(2500), ...ids(2500, 'new')]);
    const merged = new Map(day1);
    for (const [reg, rho] of day2) merged.set(reg, Math.max(merged.get(reg) ?? 0, rho));
    expect(Math.abs(estimateCardinality(merged) - 7500) / 7500).toBeLessThan(0.05);
  });
});
