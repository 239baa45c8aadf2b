// HyperLogLog over visitor ids: lets a report count unique visitors over any range of days from
// small per-day registers, when the range holds too many visits to count them one by one.
import { createHash } from 'node:crypto';

export const SKETCH_PRECISION = 12;
export const SKETCH_REGISTERS = 1 << SKETCH_PRECISION; // 4096: standard error ≈ 1.04/√4096 ≈ 1.6 %

export interface SketchEntry {
  reg: number;
  rho: number;
}

/** Register index and rank (position of the first 1 bit) of a visitor id. */
export function sketchEntry(visitorId: string): SketchEntry {
  const digest = createHash('sha256').update(visitorId).digest();
  const hi = digest.readUInt32BE(0);
  const lo = digest.readUInt32BE(4);
  const reg = hi >>> (32 - SKETCH_PRECISION);
  const restHi = hi & ((1 << (32 - SKETCH_PRECISION)) - 1);
  const rho =
    restHi !== 0 ? Math.clz32(restHi) - SKETCH_PRECISION + 1 : 32 - SKETCH_PRECISION + Math.clz32(lo) + 1;
  return { reg, rho };
}

/** Cardinality estimate from registers (missing registers are zero), with linear counting for small sets. */
export function estimateCardinality(registers: ReadonlyMap<number, number>): number {
  let sum = 0;
  for (const rho of registers.values()) sum += 2 ** -rho;
  return estimateFromSums(registers.size, sum);
}

/** The same estimate from the number of registers set and the sum of 2^-rho over them. */
export function estimateFromSums(filled: number, sumOfSet: number): number {
  const m = SKETCH_REGISTERS;
  const empty = m - filled;
  const sum = empty + sumOfSet; // 2^-0 for every empty register
  const alpha = 0.7213 / (1 + 1.079 / m);
  const raw = (alpha * m * m) / sum;
  if (raw <= 2.5 * m && empty > 0) return Math.round(m * Math.log(m / empty));
  return Math.round(raw);
}
