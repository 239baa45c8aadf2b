// Seeded randomness for the bench, so two runs generate the same traffic.

/** mulberry32: small, fast, good enough for synthetic traffic. */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform whole number in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Exponentially distributed with the given mean. */
  exponential(mean: number): number {
    return -Math.log(1 - this.next()) * mean;
  }

  /** 22 characters of base64url (128 bits), the shape of Spoor's ids. */
  id(): string {
    const bytes = Buffer.allocUnsafe(16);
    for (let i = 0; i < 16; i += 4) bytes.writeUInt32LE((this.next() * 4294967296) >>> 0, i);
    return bytes.toString('base64url');
  }
}

/** Samples ranks 0..n-1 with probability ∝ 1/(rank+1)^s. */
export function zipfSampler(n: number, s: number, random: Random): () => number {
  const cdf = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    total += 1 / (i + 1) ** s;
    cdf[i] = total;
  }
  for (let i = 0; i < n; i++) cdf[i] = cdf[i]! / total;
  return () => {
    const u = random.next();
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cdf[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}
