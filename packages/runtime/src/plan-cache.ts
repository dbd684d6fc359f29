/**
 * A least-recently-used map with a fixed capacity: `get` marks an entry used, `set` evicts the
 * least recently used entry past the capacity and hands it to `onEvict` (which frees its
 * buffers). Map iteration order is insertion order, so the first key is the oldest.
 */
export class LruCache<V> {
  private readonly entries = new Map<string, V>();
  constructor(
    readonly capacity: number,
    private readonly onEvict: (value: V) => void,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: string): V | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  set(key: string, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    while (this.entries.size > this.capacity) {
      const [oldest, evicted] = this.entries.entries().next().value as [string, V];
      this.entries.delete(oldest);
      this.onEvict(evicted);
    }
  }

  values(): IterableIterator<V> {
    return this.entries.values();
  }
}
