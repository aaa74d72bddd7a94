/**
 * The drain order on SIGTERM: stop taking work (consumers), then what produces work from the
 * database (jobs), then publish what is committed (relay), then flush the producer, then close the
 * clients and pools everything above used.
 */
export const SHUTDOWN_PHASES = ['consumers', 'jobs', 'relay', 'producer', 'clients', 'pools'] as const;
export type ShutdownPhase = (typeof SHUTDOWN_PHASES)[number];

/**
 * Ordered graceful shutdown. Components register a stop step as they start, in a phase; phases run
 * in SHUTDOWN_PHASES order, steps within a phase in reverse registration order, each bounded.
 */
export class ShutdownRegistry {
  private readonly steps: { name: string; phase: ShutdownPhase; stop: () => Promise<void> }[] = [];
  private running?: Promise<void>;

  register(name: string, stop: () => Promise<void>, phase: ShutdownPhase = 'jobs'): void {
    this.steps.push({ name, phase, stop });
  }

  /** Runs every step once; a second call waits for the first. */
  runAll(log: (msg: string, err?: unknown) => void, perStepTimeoutMs = 10_000): Promise<void> {
    this.running ??= this.drain(log, perStepTimeoutMs);
    return this.running;
  }

  private async drain(log: (msg: string, err?: unknown) => void, perStepTimeoutMs: number): Promise<void> {
    const ordered = [...this.steps].reverse().sort((a, b) => SHUTDOWN_PHASES.indexOf(a.phase) - SHUTDOWN_PHASES.indexOf(b.phase));
    for (const step of ordered) {
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
