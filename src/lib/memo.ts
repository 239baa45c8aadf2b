// A bounded memo for values that are costly to compute and asked for again and again (keyed hashes on
// the email endpoints, parsed page URLs and referrers on collect, compiled user patterns). Eviction: the
// least recently used past its bound (lru-cache, the project's one cache implementation); never stale,
// since a value depends on its key alone.
import { LRUCache } from 'lru-cache';

/** lru-cache holds no null: a computed null is kept as this. */
const NULL = Symbol('null');

export class Memo<V = string> {
  private readonly values: LRUCache<string, NonNullable<V> | typeof NULL>;

  constructor(maxEntries: number) {
    this.values = new LRUCache({ max: maxEntries });
  }

  get(key: string, compute: () => V): V {
    const known = this.values.get(key);
    if (known !== undefined) return (known === NULL ? null : known) as V;
    const value = compute();
    // undefined is not remembered (computed again next time), as before.
    if (value !== undefined) this.values.set(key, value === null ? NULL : (value as NonNullable<V>));
    return value;
  }
}
