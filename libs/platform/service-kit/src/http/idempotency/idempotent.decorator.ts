import { applyDecorators, SetMetadata, UseInterceptors } from '@nestjs/common';
import type { HttpRequest } from '../http-request';
import { IdempotencyInterceptor } from './idempotency.interceptor';
import { IDEMPOTENT_OPTIONS, type IdempotentOptions } from './idempotent.options';

/** Stored answers are replayed for 24 hours, as the common practice of payment APIs (a day of client retries). */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/**
 * A request holds its key at most this long: longer than any partner-facing handler runs (they
 * answer in milliseconds; the HTTP server times out long before), short enough that a key held by
 * a killed instance frees within a minute.
 */
export const IDEMPOTENCY_LEASE_MS = 60 * 1000;

/** By default the key belongs to the partner PartnerGuard authenticated. */
function partnerScope(req: HttpRequest): string {
  const partner = (req as HttpRequest & { partner?: { id: string } }).partner;
  if (!partner) throw new Error('@Idempotent() on a route without PartnerGuard needs a scopeOf');
  return `partner:${partner.id}`;
}

/**
 * Makes a POST that creates something safe to retry: `@Idempotent()` after the route's guards.
 * See IdempotencyInterceptor for what a partner sees; docs/openapi.yaml documents the header.
 */
export function Idempotent(options: Partial<IdempotentOptions> = {}): MethodDecorator {
  const resolved: IdempotentOptions = { scopeOf: partnerScope, ttlMs: IDEMPOTENCY_TTL_MS, leaseMs: IDEMPOTENCY_LEASE_MS, ...options };
  return applyDecorators(SetMetadata(IDEMPOTENT_OPTIONS, resolved), UseInterceptors(IdempotencyInterceptor));
}
