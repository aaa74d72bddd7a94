/**
 * A map that keeps at most `capacity` entries, evicting the least recently used: every cache keyed
 * by what a caller sends (API keys, addresses) must have a ceiling, or a flood of distinct values
 * grows the heap until the process dies. A Map iterates in insertion order, so re-inserting on
 * read makes its first key the least recently used.
 *
 * The key used last is not re-inserted: a Map's delete and set leave a hole that makes V8 rebuild
 * the map's table, an allocation on every request of a partner's burst (the API key, its rate
 * bucket read and written: 16 % of what pricing's major collections freed under quote load,
 * docs/benchmarks.md, "Quotes and memory").
 */
export class BoundedLru<K, V> {
  private readonly entries = new Map<K, V>();
  /** The last key in the map's order when known; undefined when it is not (after deleting it). */
  private newest: K | undefined;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error('capacity must be a positive integer');
  }

  get(key: K): V | undefined {
    const value = this.entries.get(key);
    if (value === undefined) return undefined;
    this.touch(key, value);
    return value;
  }

  set(key: K, value: V): void {
    this.touch(key, value);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as K);
  }

  delete(key: K): void {
    this.entries.delete(key);
    if (key === this.newest) this.newest = undefined;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The keys from least to most recently used (tests and diagnostics). */
  keys(): K[] {
    return [...this.entries.keys()];
  }

  /** Makes `key` the most recently used, holding `value`. */
  private touch(key: K, value: V): void {
    if (key === this.newest) {
      // Already last: an update in place keeps its position.
      this.entries.set(key, value);
      return;
    }
    this.entries.delete(key);
    this.entries.set(key, value);
    this.newest = key;
  }
}
