/**
 * Ordered graceful shutdown. Components register a stop step as they start; steps run in reverse
 * order (consumers stop before the producers and the database they write to), each bounded.
 */
export class ShutdownRegistry {
  private readonly steps: { name: string; stop: () => Promise<void> }[] = [];

  register(name: string, stop: () => Promise<void>): void {
    this.steps.push({ name, stop });
  }

  async runAll(log: (msg: string, err?: unknown) => void, perStepTimeoutMs = 10_000): Promise<void> {
    for (const step of [...this.steps].reverse()) {
      const started = Date.now();
      try {
        await Promise.race([
          step.stop(),
          new Promise((_, reject) => setTimeout(() => reject(new Error('timed out')), perStepTimeoutMs).unref()),
        ]);
        log(`stopped ${step.name} in ${Date.now() - started} ms`);
      } catch (error) {
        log(`stopping ${step.name} failed`, error);
      }
    }
  }
}
