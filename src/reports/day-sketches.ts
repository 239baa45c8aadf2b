// The visitor sketches of a range, one register array per day, with the days that are over remembered:
// a day's registers stop changing once it has ended (visits are counted on the day they start), so a
// report over 30 or 365 days reads from storage only the days it has not seen yet, usually just today.
import type { Kysely } from 'kysely';
import { LRUCache } from 'lru-cache';
import { DAY_MS, MINUTE_MS } from '../lib/time.ts';
import type { Database } from '../storage/schema.ts';
import { type ReportRange, sketchRows } from './store.ts';
import { estimateFromSums, SKETCH_REGISTERS } from './visitor-sketch.ts';

/** A day is remembered once it ended this long ago (a node whose clock runs late still writes to it). */
const SETTLED_AFTER_MS = 60 * MINUTE_MS;
/** 4 KiB per website, day, bot flag and kind: at most 64 MiB. */
const remembered = new LRUCache<string, Uint8Array>({ max: 16_384 });

const keyOf = (websiteId: string, day: string, bot: number, kind: string) =>
  `${websiteId}|${day}|${bot}|${kind}`;

function daysOf(range: ReportRange): string[] {
  const days: string[] = [];
  const end = Date.parse(`${range.toDay}T00:00:00Z`);
  for (let at = Date.parse(`${range.fromDay}T00:00:00Z`); at <= end; at += DAY_MS)
    days.push(new Date(at).toISOString().slice(0, 10));
  return days;
}

/** Per day of the range, the registers of `kind` ('all' or 'identified') merged over its websites and bot flags. */
export async function daySketches(
  db: Kysely<Database>,
  range: ReportRange,
  kind: string,
  now = Date.now(),
): Promise<Map<string, Uint8Array>> {
  const bots = range.includeBots ? [0, 1] : [0];
  const days = daysOf(range);
  const arrays = new Map<string, Uint8Array>();
  const missing = days.filter((day) =>
    range.websiteIds.some((w) => bots.some((bot) => !remembered.has(keyOf(w, day, bot, kind)))),
  );
  if (missing.length > 0) {
    const fresh = new Map<string, Uint8Array>();
    for (const w of range.websiteIds)
      for (const day of missing)
        for (const bot of bots) fresh.set(keyOf(w, day, bot, kind), new Uint8Array(SKETCH_REGISTERS));
    const rows = await sketchRows(db, { ...range, fromDay: missing[0]!, toDay: missing.at(-1)! }, kind);
    for (const row of rows) {
      const registers = fresh.get(keyOf(row.websiteId, row.day, row.bot, kind));
      if (registers) registers[row.reg] = row.rho;
    }
    for (const [key, registers] of fresh) {
      arrays.set(key, registers);
      const day = key.split('|')[1]!;
      if (Date.parse(`${day}T00:00:00Z`) + DAY_MS + SETTLED_AFTER_MS <= now) remembered.set(key, registers);
    }
  }
  const perDay = new Map<string, Uint8Array>();
  for (const day of days) {
    const merged = new Uint8Array(SKETCH_REGISTERS);
    for (const w of range.websiteIds) {
      for (const bot of bots) {
        const key = keyOf(w, day, bot, kind);
        const registers = arrays.get(key) ?? remembered.get(key);
        if (!registers) continue;
        for (let i = 0; i < SKETCH_REGISTERS; i++) if (registers[i]! > merged[i]!) merged[i] = registers[i]!;
      }
    }
    perDay.set(day, merged);
  }
  return perDay;
}

/** The registers of several days merged: the sketch of their union. */
export function mergeSketches(sketches: Iterable<Uint8Array>): Uint8Array {
  const merged = new Uint8Array(SKETCH_REGISTERS);
  for (const registers of sketches)
    for (let i = 0; i < SKETCH_REGISTERS; i++) if (registers[i]! > merged[i]!) merged[i] = registers[i]!;
  return merged;
}

/** The HyperLogLog estimate of a register array. */
export function estimateSketch(registers: Uint8Array): number {
  let filled = 0;
  let sum = 0;
  for (let i = 0; i < registers.length; i++) {
    const rho = registers[i]!;
    if (rho === 0) continue;
    filled += 1;
    sum += 2 ** -rho;
  }
  return estimateFromSums(filled, sum);
}
