import { describe, expect, it } from 'vitest';
import { VEHICLE_DAMAGE_FLAG, vehicleDamageFlagKey } from './vehicle-damage.v1';

describe('VEHICLE_DAMAGE_FLAG', () => {
  it('declares the very key claims-trigger sets and pricing reads, one per partner vehicle', () => {
    const declared = (partnerId: string, vehicleId: string) => VEHICLE_DAMAGE_FLAG.key.replace('{partnerId}', partnerId).replace('{vehicleId}', vehicleId);
    expect(vehicleDamageFlagKey('demo', 'v-1')).toBe(declared('demo', 'v-1'));
    expect(vehicleDamageFlagKey('rival', 'v-1')).not.toBe(vehicleDamageFlagKey('demo', 'v-1'));
  });

  it('accepts the values claims-trigger writes (the instant it set the flag, or `rebuilt`) and nothing else', () => {
    expect(VEHICLE_DAMAGE_FLAG.value.safeParse(new Date('2026-12-01T09:00:00Z').toISOString()).success).toBe(true);
    expect(VEHICLE_DAMAGE_FLAG.value.safeParse('rebuilt').success).toBe(true);
    expect(VEHICLE_DAMAGE_FLAG.value.safeParse('1').success).toBe(false);
  });

  it('has claims-trigger as its only writer and pricing as its reader', () => {
    expect(VEHICLE_DAMAGE_FLAG).toMatchObject({ store: 'redis', writers: ['claims-trigger'], readers: ['pricing'] });
  });
});
