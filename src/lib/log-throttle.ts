// Repeated errors logged once per interval with a count: the first occurrence of a kind is written at
// once, then, while it keeps happening, one summary line per interval says how many more there were.
// A disk that fills under load must not turn every refused event into a log line (and fill it faster).

export interface ThrottledLine<Detail> {
  key: string;
  /** The latest occurrence (its error, its context). */
  detail: Detail;
  /** 1 for the first line; for a summary line, how many occurred in the interval it covers. */
  count: number;
  /** True for a summary line. */
  repeated: boolean;
}

interface Entry<Detail> {
  detail: Detail;
  count: number;
  timer: NodeJS.Timeout;
}

export class LogThrottle<Detail = unknown> {
  private entries = new Map<string, Entry<Detail>>();

  constructor(
    readonly intervalMs: number,
    private readonly write: (line: ThrottledLine<Detail>) => void,
    private readonly maxKeys = 100,
  ) {}

  /** One occurrence of `key`: logged now if it is the first for a while, else counted. */
  note(key: string, detail: Detail): void {
    const entry = this.entries.get(key);
    if (entry) {
      entry.count += 1;
      entry.detail = detail;
      return;
    }
    // Keys are kinds of failure (a handful); a flood of distinct ones is still bounded.
    if (this.entries.size >= this.maxKeys) return;
    this.entries.set(key, { detail, count: 0, timer: this.later(key) });
    this.write({ key, detail, count: 1, repeated: false });
  }

  /** Writes what is still counted and stops the timers (on close). */
  flush(): void {
    for (const [key, entry] of this.entries) {
      clearTimeout(entry.timer);
      if (entry.count > 0) this.write({ key, detail: entry.detail, count: entry.count, repeated: true });
    }
    this.entries.clear();
  }

  private later(key: string): NodeJS.Timeout {
    const timer = setTimeout(() => this.endInterval(key), this.intervalMs);
    timer.unref();
    return timer;
  }

  private endInterval(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    if (entry.count === 0) {
      // A quiet interval: the next occurrence is news again and is logged at once.
      this.entries.delete(key);
      return;
    }
    this.write({ key, detail: entry.detail, count: entry.count, repeated: true });
    entry.count = 0;
    entry.timer = this.later(key);
  }
}
