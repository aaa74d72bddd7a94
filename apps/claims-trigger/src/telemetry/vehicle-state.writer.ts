import { ClaimsRepository, type SqlTx } from '@kuruma/data-access-db';
import { GroupCommit } from '@kuruma/data-access-messaging';
import { foldVehicleObservations, type VehicleObservation } from '@kuruma/domain-claims';

/**
 * Lock and door telemetry, written with group commit: each MQTT connection waits for its own
 * observation to be durable before it acknowledges, and observations that arrive while a write is
 * in flight go out together in the next statement. One device message costs a share of a round
 * trip instead of a whole one, and an idle writer adds no delay.
 */
export class VehicleStateWriter {
  private readonly repo = new ClaimsRepository();
  private readonly commit: GroupCommit<VehicleObservation>;

  constructor(db: SqlTx, maxBatch = 500) {
    this.commit = new GroupCommit((observations) => this.repo.upsertVehicleStates(db, foldVehicleObservations(observations)), maxBatch);
  }

  record(observation: VehicleObservation): Promise<void> {
    return this.commit.submit(observation);
  }
}
