/** Injection tokens of the platform providers (explicit: esbuild and vitest emit no decorator metadata). */
export const SERVICE_CONFIG = Symbol('SERVICE_CONFIG');
export const SERVICE_KIT = Symbol('SERVICE_KIT');
/** The service's Kafka client, authenticated as its own principal. */
export const KAFKA = Symbol('KAFKA');
export const REDIS = Symbol('REDIS');
