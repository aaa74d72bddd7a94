import { z } from 'zod';
import { instantSchema } from '../cloudevents/cloud-event';

/**
 * Vehicle ids are the partner's own, so two partners can use the same one: a vehicle is the pair
 * (partnerId, vehicleId). This is the pair as one string, for record keys and cache keys; `/` can
 * be in neither identifier, so no two pairs give the same string.
 */
export const partnerVehicleKey = (partnerId: string, vehicleId: string): string => `${partnerId}/${vehicleId}`;

/** Redis key claims-trigger sets while a partner's vehicle has an open damage claim; pricing reads it. */
export const vehicleDamageFlagKey = (partnerId: string, vehicleId: string): string => `vehicle-damage:${partnerVehicleKey(partnerId, vehicleId)}`;

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
