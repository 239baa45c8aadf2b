// Counters and histograms for hot paths (collect, pixel, click, group commits): each label set is bound
// once to a plain object that the hot path bumps. prom-client's own labelled children hash and validate
// the labels on every call (a string built per request); these cost an addition and a bucket search,
// and prom-client's registry reads them only when /metrics is scraped.
type Labels = Readonly<Record<string, string>>;

interface MetricValue {
  metricName?: string;
  labels: Labels;
  value: number;
}

/** What prom-client's Registry needs of a metric (registerMetric, metrics()). */
interface Collectable {
  readonly name: string;
  readonly help: string;
  get(): Promise<{ name: string; help: string; type: string; aggregator: string; values: MetricValue[] }>;
}

export class CounterChild {
  value = 0;
  constructor(readonly labels: Labels) {}
  inc(by = 1): void {
    this.value += by;
  }
}

/** The key of a label set: binding the same set twice (two apps in one process) gives the same child. */
const keyOf = (labels: Labels) => JSON.stringify(Object.entries(labels).sort());

export class HotCounter implements Collectable {
  private readonly children = new Map<string, CounterChild>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  /** A label set, bound once (at start-up or when a route is added), never per request. */
  bind(labels: Labels): CounterChild {
    const key = keyOf(labels);
    let child = this.children.get(key);
    if (!child) {
      child = new CounterChild(labels);
      this.children.set(key, child);
    }
    return child;
  }

  async get() {
    return {
      name: this.name,
      help: this.help,
      type: 'counter',
      aggregator: 'sum',
      values: [...this.children.values()].map((child) => ({ labels: child.labels, value: child.value })),
    };
  }
}

export class HistogramChild {
  /** Observations per bucket, not cumulative (the last one is +Inf). */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;
  constructor(
    readonly labels: Labels,
    private readonly bounds: readonly number[],
  ) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(value: number): void {
    const bounds = this.bounds;
    let i = 0;
    while (i < bounds.length && value > (bounds[i] as number)) i++;
    this.counts[i] = (this.counts[i] as number) + 1;
    this.sum += value;
    this.count += 1;
  }
}

export class HotHistogram implements Collectable {
  private readonly children = new Map<string, HistogramChild>();
  constructor(
    readonly name: string,
    readonly help: string,
    private readonly bounds: readonly number[],
  ) {}

  bind(labels: Labels): HistogramChild {
    const key = keyOf(labels);
    let child = this.children.get(key);
    if (!child) {
      child = new HistogramChild(labels, this.bounds);
      this.children.set(key, child);
    }
    return child;
  }

  async get() {
    const values: MetricValue[] = [];
    // A route nobody has called yet adds no series (a histogram is sixteen lines per label set).
    for (const child of this.children.values()) {
      if (child.count === 0) continue;
      let cumulative = 0;
      for (const [i, bound] of [...this.bounds, Number.POSITIVE_INFINITY].entries()) {
        cumulative += child.counts[i] as number;
        values.push({
          metricName: `${this.name}_bucket`,
          labels: { ...child.labels, le: bound === Number.POSITIVE_INFINITY ? '+Inf' : String(bound) },
          value: cumulative,
        });
      }
      values.push({ metricName: `${this.name}_sum`, labels: child.labels, value: child.sum });
      values.push({ metricName: `${this.name}_count`, labels: child.labels, value: child.count });
    }
    return { name: this.name, help: this.help, type: 'histogram', aggregator: 'sum', values };
  }
}
