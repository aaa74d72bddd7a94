import { describe, expect, it } from 'vitest';
import { BoundedLru } from './bounded-lru';

/** The plain definition it must behave as: an array of [key, value], least recently used first. */
class ReferenceLru {
  entries: [string, number][] = [];
  constructor(private readonly capacity: number) {}
  get(key: string): number | undefined {
    const i = this.entries.findIndex(([k]) => k === key);
    if (i < 0) return undefined;
    const [entry] = this.entries.splice(i, 1) as [[string, number]];
    this.entries.push(entry);
    return entry[1];
  }
  set(key: string, value: number): void {
    this.entries = this.entries.filter(([k]) => k !== key);
    this.entries.push([key, value]);
    if (this.entries.length > this.capacity) this.entries.shift();
  }
  delete(key: string): void {
    this.entries = this.entries.filter(([k]) => k !== key);
  }
}

describe(BoundedLru.name, () => {
  it('evicts the least recently used key, a read counting as a use', () => {
    const lru = new BoundedLru<string, number>(2);
    lru.set('a', 1);
    lru.set('b', 2);
    expect(lru.get('a')).toBe(1);
    lru.set('c', 3);
    expect(lru.keys()).toEqual(['a', 'c']);
    expect(lru.get('b')).toBeUndefined();
  });

  it('updates the most recent key in place, and still orders correctly after it is deleted', () => {
    const lru = new BoundedLru<string, number>(3);
    lru.set('a', 1);
    lru.set('b', 2);
    lru.set('b', 3);
    expect(lru.get('b')).toBe(3);
    expect(lru.keys()).toEqual(['a', 'b']);
    lru.delete('b');
    lru.set('c', 4);
    lru.get('a');
    expect(lru.keys()).toEqual(['c', 'a']);
    lru.set('d', 5);
    lru.set('e', 6);
    expect(lru.keys()).toEqual(['a', 'd', 'e']);
    expect(lru.size).toBe(3);
  });

  it('behaves as the plain definition over 20,000 random reads, writes and deletes', () => {
    let seed = 42;
    const random = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed % n;
    };
    for (const capacity of [1, 2, 5]) {
      const lru = new BoundedLru<string, number>(capacity);
      const reference = new ReferenceLru(capacity);
      for (let i = 0; i < 20_000; i++) {
        const key = `k${random(8)}`;
        const op = random(10);
        if (op < 5) expect(lru.get(key)).toBe(reference.get(key));
        else if (op < 9) {
          lru.set(key, i);
          reference.set(key, i);
        } else {
          lru.delete(key);
          reference.delete(key);
        }
        expect(lru.keys()).toEqual(reference.entries.map(([k]) => k));
      }
    }
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new BoundedLru(0)).toThrow('capacity must be a positive integer');
    expect(() => new BoundedLru(1.5)).toThrow('capacity must be a positive integer');
  });
});
