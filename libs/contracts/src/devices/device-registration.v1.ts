import { z } from 'zod';
import { identifierSchema } from '../cloudevents/cloud-event';

/** Body of `PUT /v1/devices/{deviceId}`. */
export const deviceRegistrationV1Schema = z.object({
  /** The partner's vehicle this gateway is fitted to. */
  vehicleId: identifierSchema,
});
export type DeviceRegistrationV1 = z.infer<typeof deviceRegistrationV1Schema>;

/** Answer of `PUT /v1/devices/{deviceId}`: the MQTT credentials, shown once. */
export interface DeviceCredentialsV1 {
  deviceId: string;
  vehicleId: string;
  mqtt: {
    /** Broker address (mqtts:// with TLS in production). */
    url: string;
    /** `{prefix}{deviceId}`: device accounts have a namespace of their own. */
    username: string;
    password: string;
    /** The only client id this account may connect with (the same as the username). */
    clientId: string;
    topics: { crash: string; lock: string };
  };
}
