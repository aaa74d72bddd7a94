import { ClaimsRepository, type SqlTx } from '@kuruma/data-access-db';
import { foldVehicleObservations, type VehicleObservation } from '@kuruma/domain-claims';

/**
 * Lock and door telemetry, written with group commit: each MQTT connection waits for its own
 * observation to be durable before it acknowledges, and observations that arrive while a write is
 * in flight go out together in the next statement. One device message costs a share of a round
 * trip instead of a whole one, and an idle writer adds no delay.
 */
export class VehicleStateWriter {
  private readonly repo = new ClaimsRepository();
  private pending: { observation: VehicleObservation; settle: (error?: unknown) => void }[] = [];
  private flushing = false;

  constructor(
    private readonly db: SqlTx,
    private readonly maxBatch = 500,
  ) {}

  record(observation: VehicleObservation): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ observation, settle: (error) => (error === undefined ? resolve() : reject(error)) });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.pending.length > 0) {
        const batch = this.pending.splice(0, this.maxBatch);
        try {
          await this.repo.upsertVehicleStates(this.db, foldVehicleObservations(batch.map((b) => b.observation)));
          for (const b of batch) b.settle();
        } catch (error) {
          for (const b of batch) b.settle(error ?? new Error('vehicle state write failed'));
        }
      }
    } finally {
      this.flushing = false;
    }
  }
}
