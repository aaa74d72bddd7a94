/** One telemetry observation of a vehicle's lock or door. */
export interface VehicleObservation {
  vehicleId: string;
  /** Undefined when the observation says nothing about the lock (a door-ajar alert). */
  lockState?: 'locked' | 'unlocked';
  doorAjar: boolean;
  at: Date;
}

/** A vehicle's last known state: the lock as last reported, the door as of the latest observation. */
export interface VehicleState {
  vehicleId: string;
  lockState: 'locked' | 'unlocked' | null;
  doorAjar: boolean;
  lastEventAt: Date;
}

/**
 * Folds observations that arrive together into one state per vehicle, in time order: the latest
 * observation sets the door and the time; the lock keeps the latest observation that reported one.
 * (Applying them one by one would give the same state; folding first lets one statement write a
 * batch.)
 */
export function foldVehicleObservations(observations: VehicleObservation[]): VehicleState[] {
  const byVehicle = new Map<string, VehicleState>();
  const inOrder = [...observations].sort((a, b) => a.at.getTime() - b.at.getTime());
  for (const o of inOrder) {
    const previous = byVehicle.get(o.vehicleId);
    byVehicle.set(o.vehicleId, { vehicleId: o.vehicleId, lockState: o.lockState ?? previous?.lockState ?? null, doorAjar: o.doorAjar, lastEventAt: o.at });
  }
  return [...byVehicle.values()];
}
