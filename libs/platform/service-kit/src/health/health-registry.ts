/** A dependency the service needs to do its work (Postgres, the Kafka consumer, Redis...). */
export interface ReadinessCheck {
  name: string;
  /** Resolves when healthy; throws or rejects with the reason when not. */
  check: () => Promise<void>;
  /**
   * A dependency the service's handlers call (database, broker, Redis), as opposed to a component
   * of the service itself (a consumer): consumers ask these before blaming a record for a failure.
   */
  dependency?: boolean;
}

export interface ReadinessReport {
  status: 'ready' | 'not-ready';
  checks: { name: string; status: 'up' | 'down'; error?: string; ms: number }[];
}

const CHECK_TIMEOUT_MS = 2_000;

/** Readiness is what a load balancer or orchestrator asks before routing traffic or declaring a rollout done. */
export class HealthRegistry {
  private readonly checks: ReadinessCheck[] = [];
  private shuttingDown = false;

  register(check: ReadinessCheck): void {
    this.checks.push(check);
  }

  /** Once shutdown starts the service reports not-ready so traffic drains away first. */
  markShuttingDown(): void {
    this.shuttingDown = true;
  }

  /** Whether every dependency answers now: a failure seen meanwhile was then the record's own. */
  async dependenciesHealthy(): Promise<boolean> {
    const results = await Promise.allSettled(this.checks.filter((c) => c.dependency).map((c) => withTimeout(c.check(), CHECK_TIMEOUT_MS, `${c.name} did not answer`)));
    return results.every((r) => r.status === 'fulfilled');
  }

  async report(): Promise<ReadinessReport> {
    const checks = await Promise.all(
      this.checks.map(async ({ name, check }) => {
        const started = Date.now();
        try {
          await withTimeout(check(), CHECK_TIMEOUT_MS, `${name} did not answer within ${CHECK_TIMEOUT_MS} ms`);
          return { name, status: 'up' as const, ms: Date.now() - started };
        } catch (error) {
          return { name, status: 'down' as const, error: (error as Error).message, ms: Date.now() - started };
        }
      }),
    );
    if (this.shuttingDown) checks.push({ name: 'shutdown', status: 'down', error: 'shutting down', ms: 0 });
    return { status: checks.every((c) => c.status === 'up') ? 'ready' : 'not-ready', checks };
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(message)), ms);
    }),
  ]);
}
