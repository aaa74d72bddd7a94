import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

/** A new endpoint signing secret: `whsec_` + base64 of 32 random bytes (Standard Webhooks' format). */
export function newSigningSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** The secrets a delivery is signed with: the current one, and during a rotation's overlap the previous one. */
export interface SigningSecrets {
  current: string;
  previous?: string;
}

/**
 * Standard Webhooks headers for one delivery: `webhook-id` (the CloudEvent id, so receivers
 * de-duplicate), `webhook-timestamp` (Unix seconds) and `webhook-signature`, a space-separated
 * `v1,<base64 HMAC-SHA256 of id.timestamp.body>` per secret. The `standardwebhooks` package signs
 * (the same one booking-ingest verifies with), so the format is the specification's.
 */
export function signDelivery(secrets: SigningSecrets, eventId: string, at: Date, body: string): Record<string, string> {
  const signatures = [secrets.current, ...(secrets.previous ? [secrets.previous] : [])].map((secret) => new Webhook(secret).sign(eventId, at, body));
  return {
    'webhook-id': eventId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': signatures.join(' '),
  };
}
