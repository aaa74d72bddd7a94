/**
 * Runs tasks one at a time per key, in the order they were given, and tasks of different keys
 * concurrently: the messages of one device are applied in arrival order while many devices'
 * messages are in flight together.
 */
export class KeyedLanes {
  private readonly tails = new Map<string, Promise<void>>();

  run(key: string, task: () => Promise<void>): Promise<void> {
    const previous = this.tails.get(key);
    const current = previous ? previous.then(task) : task();
    // A task's failure is its caller's to handle; the lane moves on either way.
    const tail = current.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return current;
  }

  /** Keys with a task running or waiting. */
  get size(): number {
    return this.tails.size;
  }
}
