/**
 * The partner API's shared OpenAPI parts, kept apart from the route list in tools/openapi.ts:
 * response schemas of the reads (field by field, as the controllers answer them), pagination and
 * Idempotency-Key parameters, and the answers every partner route may give (401, 429).
 */
import { DEFAULT_PAGE_LIMIT, IDEMPOTENCY_LEASE_MS, IDEMPOTENCY_TTL_MS, MAX_PAGE_LIMIT } from '@kuruma/service-kit';
import { PARTNER_SERVICES, type PartnerService } from '@kuruma/partner-client';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const str = (description?: string) => ({ type: 'string', ...(description ? { description } : {}) });
const nullable = (schema: object) => ({ anyOf: [schema, { type: 'null' }] });
const jst = (description: string) => nullable({ type: 'string', format: 'date-time', description: `${description} (ISO-8601, +09:00)` });
const yen = (description: string) => ({ type: 'integer', description: `${description}, integer yen` });
const object = (properties: Record<string, object>, required = Object.keys(properties)) => ({ type: 'object', required, properties });

/** The service a path item belongs to, as its `servers` entry (docs: the gateway layout). */
export const serverOf = (service: PartnerService) => [{ url: PARTNER_SERVICES[service].localUrl, description: `${service} (local development)` }];

export const partnerServers = (Object.entries(PARTNER_SERVICES) as [PartnerService, (typeof PARTNER_SERVICES)[PartnerService]][]).map(([service, { localUrl, prefixes }]) => ({
  url: localUrl,
  description: `${service}: ${prefixes.join(', ')} (local development; behind the partner gateway every prefix is on one host, docs/partner-api.md)`,
}));

export const partnerParameters = {
  IdempotencyKey: {
    name: 'Idempotency-Key',
    in: 'header',
    required: false,
    description: `Makes a retry safe: the first answer (2xx) to this key is stored for ${IDEMPOTENCY_TTL_MS / 3_600_000} hours per partner and given again, with Idempotent-Replayed: true, to the same request (method, path and body) sent with the same key. The same key with a different request is 422; while the first request is still running (up to ${IDEMPOTENCY_LEASE_MS / 1000} s) a duplicate is 409 with Retry-After. A refused or failed request stores nothing, so it may be retried with the same key. 1-255 printable ASCII characters without spaces (a UUID is a good key).`,
    schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$' },
  },
  Limit: { name: 'limit', in: 'query', required: false, description: `Items per page, 1-${MAX_PAGE_LIMIT} (default ${DEFAULT_PAGE_LIMIT})`, schema: { type: 'integer', minimum: 1, maximum: MAX_PAGE_LIMIT, default: DEFAULT_PAGE_LIMIT } },
  Cursor: {
    name: 'cursor',
    in: 'query',
    required: false,
    description: 'The nextCursor of the previous page, unchanged, with the same filters. Opaque and bound to the partner and the query it was issued for: any other use is 400 naming cursor.',
    schema: { type: 'string', maxLength: 1024 },
  },
};

export const partnerHeaders = {
  RetryAfter: { description: 'Seconds to wait before trying again', schema: { type: 'integer', minimum: 1 } },
  IdempotentReplayed: { description: 'true when this is the stored answer to an earlier request with the same Idempotency-Key', schema: { type: 'string', enum: ['true'] } },
};

const problemContent = { 'application/problem+json': { schema: ref('Problem') } };
export const partnerResponses = {
  Unauthorized: { description: 'Missing or unknown API key', content: problemContent },
  TooManyRequests: {
    description: 'The partner is over its request rate (PARTNER_RATE_LIMIT_PER_S, burst PARTNER_RATE_LIMIT_BURST, per partner and service instance); wait Retry-After seconds',
    headers: { 'Retry-After': { $ref: '#/components/headers/RetryAfter' } },
    content: problemContent,
  },
  IdempotencyKeyReused: { description: 'Idempotency-Key already used for a different request (errors names Idempotency-Key)', content: problemContent },
  IdempotencyKeyInFlight: { description: 'A request with this Idempotency-Key is still running; retry after Retry-After', headers: { 'Retry-After': { $ref: '#/components/headers/RetryAfter' } }, content: problemContent },
};

const endorsement = object({
  kind: str('extension, early-end, cancellation, ...'),
  reason: str(),
  premiumDelta: yen('Premium added (negative: reduced)'),
  refund: yen('Refund'),
  coverEndBefore: jst('Cover end before the change'),
  coverEndAfter: jst('Cover end after the change'),
  at: jst('When the endorsement was made'),
});

const breakdownStep = object(
  { code: str(), label: str(), factor: nullable({ type: 'number' }), addend: { type: 'number' }, amount: { type: 'number', description: 'Running amount in yen after this step' }, source: str('Table and source document of the figure') },
  ['code', 'label', 'factor', 'amount'],
);

/** What a policy's and a claim's `driverId` is since booking-ingest pseudonymises drivers (docs/privacy.md). */
const DRIVER_PSEUDONYM =
  "The driver's pseudonym at your partner id (HMAC-SHA256 under the platform's key of your partner id and the driver.driverId you sent, base64url), not your reference: the platform keeps no partner driver reference. The same driver always has the same pseudonym at your partner id. Policies bound before pseudonymisation show the reference as sent.";

const claimFields = {
  id: { type: 'string', format: 'uuid' },
  claimNumber: str(),
  partnerId: str(),
  vehicleId: str(),
  policyId: { type: 'string', format: 'uuid' },
  policyNumber: str(),
  bookingId: str(),
  driverId: str(DRIVER_PSEUDONYM),
  plan: str(),
  status: { type: 'string', enum: ['provisional', 'confirmed', 'withdrawn', 'closed'] },
  severity: str(),
  cause: str(),
  accidentId: nullable(str()),
  occurredAt: { type: 'string', format: 'date-time' },
  lastSignalAt: { type: 'string', format: 'date-time' },
  lat: nullable({ type: 'number' }),
  lon: nullable({ type: 'number' }),
  coverages: { type: 'array', items: str() },
  reserveYen: yen('Reserve'),
  openedAt: { type: 'string', format: 'date-time' },
  updatedAt: { type: 'string', format: 'date-time' },
};

const page = (item: string) => object({ items: { type: 'array', items: ref(item) }, nextCursor: nullable(str('Pass as cursor for the next page; null on the last page')) });

export const partnerSchemas = {
  Policy: object({
    policyId: { type: 'string', format: 'uuid' },
    policyNumber: nullable(str('Null for a declined booking')),
    bookingId: str(),
    partnerId: str(),
    status: str('bound, extended, ended, cancelled, declined, ...'),
    bookingStatus: str(),
    plan: str(),
    vehicleId: str(),
    driverId: str(DRIVER_PSEUDONYM),
    coverStart: jst('Cover start'),
    coverEnd: jst('Cover end'),
    premium: nullable(yen('Premium')),
    refund: nullable(yen('Refund')),
    currency: { const: 'JPY' },
    tariffVersion: nullable(str()),
    quoteId: nullable(str()),
    breakdown: nullable({ type: 'array', items: breakdownStep }),
    cover: { description: 'What the bound cover pays: limits, deductibles, value band and exclusions of the tariff version it was bound under; null for a declined booking', ...nullable(ref('CoverSchedule')) },
    declineReasons: nullable({ type: 'array', items: object({ code: str(), message: str() }) }),
    boundAt: jst('When the policy was bound'),
    endorsements: { type: 'array', items: endorsement },
  }),
  PolicyPage: page('Policy'),
  Claim: object({ ...claimFields, signalCount: { type: 'integer' } }),
  ClaimPage: page('Claim'),
  ClaimDetail: object({
    ...claimFields,
    signals: {
      type: 'array',
      items: object({ id: str(), claimId: str(), deviceId: str(), eventId: str(), channel: { type: 'string', enum: ['crash', 'lock'] }, payload: { type: 'object' }, occurredAt: { type: 'string', format: 'date-time' }, receivedAt: { type: 'string', format: 'date-time' } }),
    },
  }),
  ClaimStatusChange: object({ claimId: { type: 'string', format: 'uuid' }, status: str('The status after the action'), changed: { type: 'boolean', description: 'false when the claim already had that status (nothing was done)' } }),
  BookingEventAccepted: object({ id: str(), status: { const: 'accepted' } }),
};
