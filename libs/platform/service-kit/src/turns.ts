/**
 * At most `atOnce` tasks running; the others start in arrival order as running ones finish. With
 * `maxWaiting`, a task that would be one too many in line is refused with `full()` instead of
 * queued without bound. Used for work that holds a scarce resource while it runs (a database
 * connection, a thread-pool thread).
 */
export class Turns {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly atOnce: number,
    private readonly maxWaiting = Number.POSITIVE_INFINITY,
    private readonly full: () => Error = () => new Error('too many tasks waiting'),
  ) {}

  async take<T>(task: () => Promise<T>): Promise<T> {
    if (this.running < this.atOnce) this.running += 1;
    else if (this.waiting.length >= this.maxWaiting) throw this.full();
    else await new Promise<void>((start) => this.waiting.push(start));
    try {
      return await task();
    } finally {
      // The turn passes straight to the next in line, so a newcomer cannot overtake it and
      // `running` never over-counts.
      const next = this.waiting.shift();
      if (next) next();
      else this.running -= 1;
    }
  }
}
