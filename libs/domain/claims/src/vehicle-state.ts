import { partnerVehicleKey } from '@kuruma/contracts';

/** One telemetry observation of a partner vehicle's lock or door. */
export interface VehicleObservation {
  /** The partner of the device that observed it: vehicle ids are per partner. */
  partnerId: string;
  vehicleId: string;
  /** Undefined when the observation says nothing about the lock (a door-ajar alert). */
  lockState?: 'locked' | 'unlocked';
  doorAjar: boolean;
  at: Date;
}

/** A partner vehicle's last known state: the lock as last reported, the door as of the latest observation. */
export interface VehicleState {
  partnerId: string;
  vehicleId: string;
  lockState: 'locked' | 'unlocked' | null;
  doorAjar: boolean;
  lastEventAt: Date;
}

/**
 * Folds observations that arrive together into one state per partner vehicle, in time order: the
 * latest observation sets the door and the time; the lock keeps the latest observation that
 * reported one. Two partners' vehicles with the same id stay apart. (Applying them one by one
 * would give the same state; folding first lets one statement write a batch.)
 */
export function foldVehicleObservations(observations: VehicleObservation[]): VehicleState[] {
  const byVehicle = new Map<string, VehicleState>();
  const inOrder = [...observations].sort((a, b) => a.at.getTime() - b.at.getTime());
  for (const o of inOrder) {
    const key = partnerVehicleKey(o.partnerId, o.vehicleId);
    const previous = byVehicle.get(key);
    byVehicle.set(key, { partnerId: o.partnerId, vehicleId: o.vehicleId, lockState: o.lockState ?? previous?.lockState ?? null, doorAjar: o.doorAjar, lastEventAt: o.at });
  }
  return [...byVehicle.values()];
}
