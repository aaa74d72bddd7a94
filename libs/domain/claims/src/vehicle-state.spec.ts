import { describe, expect, it } from 'vitest';
import { foldVehicleObservations } from './vehicle-state';

const at = (s: number) => new Date(Date.UTC(2026, 11, 1, 1, 0, s));

describe('foldVehicleObservations', () => {
  it('keeps one state per vehicle: the latest door and time, the latest reported lock', () => {
    const states = foldVehicleObservations([
      { partnerId: 'p', vehicleId: 'v-1', lockState: 'unlocked', doorAjar: false, at: at(1) },
      { partnerId: 'p', vehicleId: 'v-2', lockState: 'locked', doorAjar: false, at: at(2) },
      { partnerId: 'p', vehicleId: 'v-1', doorAjar: true, at: at(3) },
    ]);
    expect(states).toEqual([
      { partnerId: 'p', vehicleId: 'v-1', lockState: 'unlocked', doorAjar: true, lastEventAt: at(3) },
      { partnerId: 'p', vehicleId: 'v-2', lockState: 'locked', doorAjar: false, lastEventAt: at(2) },
    ]);
  });

  it('orders by the time observed, not by arrival', () => {
    const [state] = foldVehicleObservations([
      { partnerId: 'p', vehicleId: 'v-1', lockState: 'locked', doorAjar: false, at: at(9) },
      { partnerId: 'p', vehicleId: 'v-1', lockState: 'unlocked', doorAjar: false, at: at(5) },
    ]);
    expect(state).toMatchObject({ lockState: 'locked', lastEventAt: at(9) });
  });

  it('reports no lock state when no observation had one', () => {
    expect(foldVehicleObservations([{ partnerId: 'p', vehicleId: 'v-3', doorAjar: true, at: at(1) }])[0]?.lockState).toBeNull();
  });

  it("finding 3: keeps two partners' vehicles with the same id apart (one partner's device never sets another's lock state)", () => {
    const states = foldVehicleObservations([
      { partnerId: 'a', vehicleId: 'v-1', lockState: 'locked', doorAjar: false, at: at(1) },
      { partnerId: 'b', vehicleId: 'v-1', lockState: 'unlocked', doorAjar: true, at: at(2) },
    ]);
    expect(states).toEqual([
      { partnerId: 'a', vehicleId: 'v-1', lockState: 'locked', doorAjar: false, lastEventAt: at(1) },
      { partnerId: 'b', vehicleId: 'v-1', lockState: 'unlocked', doorAjar: true, lastEventAt: at(2) },
    ]);
  });
});
