import { describe, expect, it } from 'vitest';
import { foldVehicleObservations } from './vehicle-state';

const at = (s: number) => new Date(Date.UTC(2026, 11, 1, 1, 0, s));

describe('foldVehicleObservations', () => {
  it('keeps one state per vehicle: the latest door and time, the latest reported lock', () => {
    const states = foldVehicleObservations([
      { vehicleId: 'v-1', lockState: 'unlocked', doorAjar: false, at: at(1) },
      { vehicleId: 'v-2', lockState: 'locked', doorAjar: false, at: at(2) },
      { vehicleId: 'v-1', doorAjar: true, at: at(3) },
    ]);
    expect(states).toEqual([
      { vehicleId: 'v-1', lockState: 'unlocked', doorAjar: true, lastEventAt: at(3) },
      { vehicleId: 'v-2', lockState: 'locked', doorAjar: false, lastEventAt: at(2) },
    ]);
  });

  it('orders by the time observed, not by arrival', () => {
    const [state] = foldVehicleObservations([
      { vehicleId: 'v-1', lockState: 'locked', doorAjar: false, at: at(9) },
      { vehicleId: 'v-1', lockState: 'unlocked', doorAjar: false, at: at(5) },
    ]);
    expect(state).toMatchObject({ lockState: 'locked', lastEventAt: at(9) });
  });

  it('reports no lock state when no observation had one', () => {
    expect(foldVehicleObservations([{ vehicleId: 'v-3', doorAjar: true, at: at(1) }])[0]?.lockState).toBeNull();
  });
});
