import { z } from 'zod';
import { storableStrings } from '../text/storable-text';

/** Body of `POST /v1/devices/{deviceId}/rotate-credentials` (a JSON object, `{}` for a new password only); the answer is a DeviceCredentialsV1. */
export const deviceCredentialsRotationV1Schema = storableStrings(
  z
    .object({
      /** Optional: a PEM PKCS#10 request for the gateway's (new) key; the answer then carries a new client certificate. */
      csr: z.string().max(16_384).optional(),
    })
    .strict(),
);
export type DeviceCredentialsRotationV1 = z.infer<typeof deviceCredentialsRotationV1Schema>;
