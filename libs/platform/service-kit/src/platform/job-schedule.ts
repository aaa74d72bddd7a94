import type { OnApplicationBootstrap } from '@nestjs/common';
import type { ShutdownRegistry } from '../shutdown-registry';

/** A job that runs on its own timer until stopped (stop waits for the tick in flight). */
export interface ScheduledJob {
  start(): void;
  stop(): Promise<void>;
}

/**
 * Starts a job once the whole app is up and stops it in the drain's `jobs` phase: after the
 * consumers, before the outbox relay publishes what the job's last tick committed. Provided with
 * `{ provide: JobSchedule, inject: [TheJob, ShutdownRegistry], useFactory: (job, shutdown) => new JobSchedule('name', job, shutdown) }`.
 */
export class JobSchedule implements OnApplicationBootstrap {
  constructor(
    private readonly name: string,
    private readonly job: ScheduledJob,
    private readonly shutdown: ShutdownRegistry,
  ) {}

  onApplicationBootstrap(): void {
    this.job.start();
    this.shutdown.register(this.name, () => this.job.stop(), 'jobs');
  }
}

/** A job that ticks every `intervalMs`, never two ticks at once; `stop` waits for a running tick. */
export abstract class IntervalJob implements ScheduledJob {
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(private readonly intervalMs: number) {}

  abstract tick(): Promise<unknown>;

  start(): void {
    this.timer = setInterval(() => {
      if (!this.running) this.running = this.tick().finally(() => (this.running = undefined));
    }, this.intervalMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
