// A bounded memo for values that are costly to compute and asked for again and again (keyed hashes on
// the email endpoints). When full it starts over: simpler than an LRU, and the hot keys return at once.
export class Memo<V = string> {
  private values = new Map<string, V>();

  constructor(private readonly maxEntries: number) {}

  get(key: string, compute: () => V): V {
    let value = this.values.get(key);
    if (value === undefined) {
      value = compute();
      if (this.values.size >= this.maxEntries) this.values = new Map();
      this.values.set(key, value);
    }
    return value;
  }
}
