import { z } from 'zod';
import { storableStrings } from '../text/storable-text';
import { identifierSchema } from '../cloudevents/cloud-event';

/** Body of `PUT /v1/devices/{deviceId}`. */
export const deviceRegistrationV1Schema = storableStrings(
  z.object({
    /** The partner's vehicle this gateway is fitted to. */
    vehicleId: identifierSchema,
    /**
     * Optional: a PEM PKCS#10 certificate signing request (EC P-256/P-384 or RSA 2048+) for the
     * gateway's own key; the answer then carries a client certificate for the certificate listener.
     */
    csr: z.string().max(16_384).optional(),
  }),
);
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
    topics: { crash: string; lock: string; trip: string };
    /** Present when a csr was sent: a client certificate (CN = username) and where to use it. */
    certificate?: { url: string; pem: string; notAfter: string };
  };
}
