// Requests per client in a fixed window, for the open pixel: over the limit it still answers its GIF
// but records nothing. Bounded: the whole table is dropped when the window turns or it grows too big.
export class WindowCounter {
  private counts = new Map<string, number>();
  private windowStart = 0;

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly maxClients = 100_000,
  ) {}

  /** Counts one request from `client`; false once it has had `max` in this window. */
  allow(client: string, now = Date.now()): boolean {
    if (now - this.windowStart >= this.windowMs || this.counts.size >= this.maxClients) {
      this.counts = new Map();
      this.windowStart = now;
    }
    const count = (this.counts.get(client) ?? 0) + 1;
    this.counts.set(client, count);
    return count <= this.max;
  }
}
