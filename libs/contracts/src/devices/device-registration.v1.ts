import { z } from 'zod';
import { storableStrings } from '../text/storable-text';
import { identifierSchema } from '../cloudevents/cloud-event';

/** Body of `PUT /v1/devices/{deviceId}`. */
export const deviceRegistrationV1Schema = storableStrings(
  z.object({
    /** The partner's vehicle this gateway is fitted to. */
    vehicleId: identifierSchema,
  }),
);
export type DeviceRegistrationV1 = z.infer<typeof deviceRegistrationV1Schema>;

/** Answer of `PUT /v1/devices/{deviceId}`: the MQTT credentials, shown once. */
export interface DeviceCredentialsV1 {
  deviceId: string;
  vehicleId: string;
  mqtt: { url: string; username: string; password: string; topics: { crash: string; lock: string } };
}
