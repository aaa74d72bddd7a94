/**
 * Group commit: callers submit items and each waits until its own item is written; items that
 * arrive while a write is in flight go out together in the next one. An idle writer starts on the
 * next turn of the event loop (setImmediate, no timer), so the items submitted in the same turn
 * share the first write: kafkajs hands every partition's batch of one fetch to its workers at
 * once, and writing the first alone made each fetch cost two transactions one after the other.
 * Under load it divides statements, transactions and round trips by the number of concurrent
 * callers. A failed write fails every caller in it.
 */
export class GroupCommit<T> {
  private pending: { item: T; settle: (error?: unknown) => void }[] = [];
  /** A flush is scheduled or running: new items join it. */
  private flushing = false;

  /**
   * @param write writes a batch durably (throws when it did not)
   * @param maxSize a batch holds items up to this total size (at least one item)
   * @param sizeOf the size of one item (1 by default: `maxSize` counts items)
   */
  constructor(
    private readonly write: (items: T[]) => Promise<void>,
    private readonly maxSize: number,
    private readonly sizeOf: (item: T) => number = () => 1,
  ) {}

  submit(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ item, settle: (error) => (error === undefined ? resolve() : reject(error)) });
      if (!this.flushing) {
        this.flushing = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        const batch = this.nextBatch();
        try {
          await this.write(batch.map((b) => b.item));
          for (const b of batch) b.settle();
        } catch (error) {
          for (const b of batch) b.settle(error ?? new Error('group commit write failed'));
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  private nextBatch(): typeof this.pending {
    let size = 0;
    let count = 0;
    for (const p of this.pending) {
      const next = size + this.sizeOf(p.item);
      if (count > 0 && next > this.maxSize) break;
      size = next;
      count += 1;
    }
    return this.pending.splice(0, count);
  }
}
