// Requests per client in a fixed window: every rate limit Spoor has (collect, forms and prefill per address
// through limitPerClient in rate-limited.ts; failed sign-ins per account and address; the email endpoints per recipient, over which the pixel still
// answers its GIF but records nothing). Bounded: the whole table is dropped when the window turns or it
// grows too big. Ours rather than @fastify/rate-limit's: a Map lookup per request, where the plugin's store,
// hooks and headers cost the collect endpoint ~4 % of its time (decision 005), and one limiter is one way
// to count and to answer (Retry-After) on every route.
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

  /** Whether `client` has had fewer than `max` in this window, without counting (count failures with allow). */
  hasRoom(client: string, now = Date.now()): boolean {
    if (now - this.windowStart >= this.windowMs) return true;
    return (this.counts.get(client) ?? 0) < this.max;
  }

  /** Whole seconds until the current window ends (what a client over the limit should wait). */
  secondsLeft(now = Date.now()): number {
    return Math.max(1, Math.ceil((this.windowStart + this.windowMs - now) / 1000));
  }
}
