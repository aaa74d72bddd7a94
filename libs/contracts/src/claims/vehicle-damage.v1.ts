import { z } from 'zod';
import { instantSchema } from '../cloudevents/cloud-event';
import type { SharedStateSpec } from '../shared-state';

/**
 * Vehicle ids are the partner's own, so two partners can use the same one: a vehicle is the pair
 * (partnerId, vehicleId). This is the pair as one string, for record keys and cache keys; `/` can
 * be in neither identifier, so no two pairs give the same string.
 */
export const partnerVehicleKey = (partnerId: string, vehicleId: string): string => `${partnerId}/${vehicleId}`;

/** Redis key claims-trigger sets while a partner's vehicle has an open damage claim; pricing reads it ({@link VEHICLE_DAMAGE_FLAG}). */
export const vehicleDamageFlagKey = (partnerId: string, vehicleId: string): string => `vehicle-damage:${partnerVehicleKey(partnerId, vehicleId)}`;

/**
 * The fraud guard's contract between claims-trigger and pricing. Pricing needs the answer while it
 * prices each booking, so it reads this key rather than consuming `kuruma.vehicle-damage.v1`: a
 * consumer would have to keep the same per-vehicle state again, and replay the topic to rebuild it,
 * where claims-trigger already rebuilds these keys from its claims table at every start.
 */
export const VEHICLE_DAMAGE_FLAG: SharedStateSpec = {
  name: 'VehicleDamageFlag',
  store: 'redis',
  key: 'vehicle-damage:{partnerId}/{vehicleId}',
  meaning:
    "Present while the partner's vehicle has an open (provisional or confirmed) damage claim, absent otherwise. While it is present pricing declines the partner's new bookings of that vehicle with `vehicle-damage-unresolved`; another partner's vehicle with the same id is not affected. A Redis error makes pricing retry, never price unchecked.",
  value: z.union([instantSchema, z.literal('rebuilt')]).describe("When claims-trigger set the flag, or `rebuilt` when it was restored from the claims table at start; readers only test presence."),
  writers: ['claims-trigger'],
  readers: ['pricing'],
  source: "claims-trigger's claims table (open damage claims), at every claims-trigger start",
};

/** Internal, compacted `kuruma.vehicle-damage.v1` (key = `{partnerId}/{vehicleId}`): the latest value per partner vehicle. */
export const vehicleDamageV1Schema = z.object({
  /** The partner that owns the vehicle (the partner of the device that reported the damage). */
  partnerId: z.string(),
  /** The partner's vehicle id. */
  vehicleId: z.string(),
  /** Open (provisional or confirmed) damage claims on this partner's vehicle; 0 lifts the decline. */
  openDamageClaims: z.number().int().min(0),
  /** When claims-trigger computed the count. */
  updatedAt: instantSchema,
});
export type VehicleDamageV1 = z.infer<typeof vehicleDamageV1Schema>;
