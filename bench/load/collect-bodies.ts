// Realistic POST /c page-view bodies for the load run: unique event ids, a pool of returning visitor
// ids, Zipf-distributed paths, some external referrers and UTM-tagged landings (docs/collect-protocol.md).
import { randomBytes } from 'node:crypto';
import { Random, zipfSampler } from '../lib/random.ts';

export const BENCH_ORIGIN = 'https://bench.example';
export const CHROME_USER_AGENT =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

const REFERRERS = [
  'https://www.google.com/',
  'https://www.bing.com/',
  'https://duckduckgo.com/',
  'https://www.linkedin.com/',
  'https://t.co/x1',
  'https://news.ycombinator.com/',
];

export interface BodyMaker {
  next(): string;
  /** Bodies made so far. */
  count(): number;
}

export function collectBodyMaker(websiteId: string, visitorPool: number, seed: number): BodyMaker {
  const random = new Random(seed);
  const visitors = Array.from({ length: visitorPool }, () => randomBytes(16).toString('base64url'));
  const path = zipfSampler(200, 1.05, random);
  let made = 0;
  return {
    count: () => made,
    next() {
      made += 1;
      const n = path();
      let url = `${BENCH_ORIGIN}${n === 0 ? '/' : `/products/item-${n}`}`;
      const roll = random.next();
      if (roll < 0.05) url += `?utm_source=newsletter&utm_medium=email&utm_campaign=launch-${random.int(5)}`;
      const body: Record<string, string> = {
        w: websiteId,
        // As the tracking script makes them (tracker/src/spoor.ts eventId): time in base 36, then random.
        e: `${Date.now().toString(36).padStart(8, '0')}${randomBytes(12).toString('base64url')}`,
        t: 'pv',
        u: url,
        ti: n === 0 ? 'Bench shop' : `Item ${n} · Bench shop`,
        v: visitors[random.int(visitors.length)]!,
      };
      body['r'] = roll < 0.3 ? REFERRERS[random.int(REFERRERS.length)]! : `${BENCH_ORIGIN}/`;
      return JSON.stringify(body);
    },
  };
}
