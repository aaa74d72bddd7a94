import { createHmac } from 'node:crypto';

/**
 * A driver's pseudonym on the platform: HMAC-SHA256 under the platform's key of the partner and
 * the partner's driver reference. Per partner, so two partners' references never link by
 * accident, and keyed, so nobody without the key can recompute it from a known reference (a
 * plain hash of a short reference is reversed by trying them all).
 */
export function driverPseudonym(key: string, partnerId: string, driverReference: string): string {
  return createHmac('sha256', key).update(`partner\u0000${partnerId}\u0000${driverReference}`).digest('base64url');
}

/**
 * The cross-partner pseudonym, computed only for partners that opted in to sharing drivers'
 * history: the same reference at two opted-in partners (a reference both derive the same way)
 * links one driver's covered hours across them.
 */
export function sharedDriverPseudonym(key: string, driverReference: string): string {
  return createHmac('sha256', key).update(`shared\u0000${driverReference}`).digest('base64url');
}
