/**
 * docs/openapi.yaml is generated from the contracts' zod schemas and this list of routes, so the
 * HTTP contract partners integrate against cannot drift from what the services validate.
 * `--check` fails when the committed file differs (also checked by tools/openapi.spec.ts).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import YAML from 'yaml';
import { activeTariffV1Schema, bookingEventV1Schema, claimPaymentV1Schema, claimReserveChangeV1Schema, claimsBordereauV1Schema, coverScheduleV1Schema, deviceCredentialsRotationV1Schema, deviceRegistrationV1Schema, premiumBordereauV1Schema, quoteRequestV1Schema, quoteV1Schema, STATEMENT_KINDS, statementV1Schema, TRACE_CONTEXT_MEANINGS, TRACERESPONSE_MEANING } from '@kuruma/contracts';
import { partnerHeaders, partnerParameters, partnerResponses, partnerSchemas, partnerServers, serverOf } from './openapi-partner';
import { webhookPaths, webhookSchemas } from './openapi-webhooks';

export const OPENAPI_PATH = resolve(__dirname, '../docs/openapi.yaml');

const schema = (s: z.ZodType, io: 'input' | 'output' = 'input') => z.toJSONSchema(s, { io, unrepresentable: 'any' });
const json = (ref: string) => ({ 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } });
const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } });
const apiKey = [{ partnerApiKey: [] }];
const ops = [{ opsServiceToken: [] }, { partnerApiKey: [] }];
const param = (name: string) => ({ $ref: `#/components/parameters/${name}` });
const answer = (name: string) => ({ $ref: `#/components/responses/${name}` });
/** What any partner route may answer besides its own: unknown key, over the rate. */
const partnerRefusals = { '401': answer('Unauthorized'), '429': answer('TooManyRequests') };
/** What a route with @Idempotent() adds: its replays are marked, a reused key 422, a duplicate in flight 409. */
const replayed = { 'Idempotent-Replayed': { $ref: '#/components/headers/IdempotentReplayed' } };
const idempotentRefusals = { '409': answer('IdempotencyKeyInFlight'), '422': answer('IdempotencyKeyReused') };
const uuidPath = (name: string) => ({ name, in: 'path', required: true, schema: { type: 'string' } });

/** One claim action: the three are separate operations so a generated client has a method each. */
const claimAction = (action: 'confirm' | 'withdraw' | 'close', summary: string) => ({
  servers: serverOf('claims-trigger'),
  post: {
    operationId: `${action}Claim`,
    tags: ['claims-trigger (port 3004)'],
    summary,
    security: ops,
    parameters: [uuidPath('claimId'), param('IdempotencyKey')],
    responses: {
      '200': { description: 'The status after the action', headers: replayed, content: json('ClaimStatusChange') },
      ...partnerRefusals,
      '403': problem('Role may not act'),
      '404': problem("Not found (or another partner's)"),
      '409': problem('Not allowed from the current status, or a request with this Idempotency-Key is still running (Retry-After)'),
      '422': answer('IdempotencyKeyReused'),
    },
  },
});

/** A claim's money after first notice (docs/ledger.md): its reserve changed, or a payment recorded. */
const claimMoney = (operationId: string, body: string, result: string, summary: string, conflict: string) => ({
  servers: serverOf('claims-trigger'),
  post: {
    operationId,
    tags: ['claims-trigger (port 3004)'],
    summary,
    security: ops,
    parameters: [uuidPath('claimId'), param('IdempotencyKey')],
    requestBody: { required: true, content: json(body) },
    responses: {
      '200': { description: 'Posted to the premium ledger and audited (or nothing to do: `changed` / `recorded` false)', headers: replayed, content: json(result) },
      '400': problem('Invalid body (`errors` names each field)'),
      ...partnerRefusals,
      '403': problem('A partner, or a role that may not'),
      '404': problem('Not found'),
      '409': problem(`${conflict}; or a request with this Idempotency-Key is still running (Retry-After)`),
      '422': answer('IdempotencyKeyReused'),
    },
  },
});

const paths = {
  '/v1/booking-events': {
    servers: serverOf('booking-ingest'),
    post: {
      operationId: 'submitBookingEvent',
      tags: ['booking-ingest (port 3001)'],
      summary: 'Submit a booking event over HTTP (for partners that cannot produce to Kafka)',
      description:
        'Same CloudEvent as on carshare.booking-events.v1. Authenticate with x-api-key or sign per Standard Webhooks: webhook-signature = v1,base64(HMAC-SHA256(secret, `${webhook-id}.${webhook-timestamp}.${body}`)), timestamp within 5 minutes. A replayed event id gets the same 202 and has no second effect.',
      security: [{ partnerApiKey: [] }, { standardWebhooks: [] }],
      parameters: [
        ...['webhook-id', 'webhook-timestamp', 'webhook-signature'].map((name) => ({ name, in: 'header', required: false, schema: { type: 'string' } })),
        // The Kafka record the webhook writes continues this trace (every API takes it; listed where headers are).
        ...Object.entries(TRACE_CONTEXT_MEANINGS).map(([name, description]) => ({ name, in: 'header', required: false, description, schema: { type: 'string' } })),
      ],
      requestBody: { required: true, content: json('BookingEvent') },
      responses: {
        '202': { description: 'Accepted and durably queued', headers: { traceresponse: { description: TRACERESPONSE_MEANING, schema: { type: 'string' } } }, content: json('BookingEventAccepted') },
        '400': problem('Invalid event; `errors` names each field'),
        '401': problem('Missing or invalid credentials or signature'),
        '403': problem('The body claims another partner'),
        '429': answer('TooManyRequests'),
      },
    },
  },
  '/v1/quotes': {
    servers: serverOf('pricing'),
    post: {
      operationId: 'createQuote',
      tags: ['pricing (port 3002)'],
      summary: 'Price per-use cover for a booking (no binding)',
      security: apiKey,
      parameters: [param('IdempotencyKey')],
      requestBody: { required: true, content: json('QuoteRequest') },
      responses: {
        '200': { description: 'A quote with its breakdown, or a decline with reasons', headers: replayed, content: json('Quote') },
        '400': problem('Invalid request'),
        '403': problem('partnerId does not match the API key'),
        ...partnerRefusals,
        ...idempotentRefusals,
      },
    },
  },
  '/v1/tariffs/active': {
    servers: serverOf('pricing'),
    get: {
      operationId: 'getActiveTariff',
      tags: ['pricing (port 3002)'],
      summary: 'The public part of the tariff in force now',
      description:
        'Plans and their coverages and deductibles, billing and refund rules of the version quotes are priced with now (the version in force at a cover start applies to that cover), and the next version already scheduled. Tariff versions are approved by a second person with the actuary role and scheduled from an instant; a new version applies from its instant without a deploy.',
      security: apiKey,
      responses: { '200': { description: 'The version in force and its public terms', content: json('ActiveTariff') }, ...partnerRefusals, '404': problem('No tariff is in force yet') },
    },
  },
  '/v1/policies': {
    servers: serverOf('policy'),
    get: {
      operationId: 'listPolicies',
      tags: ['policy (port 3003)'],
      summary: "The partner's policies, newest first, optionally of one booking, a page at a time",
      security: apiKey,
      parameters: [{ name: 'bookingId', in: 'query', required: false, description: 'Only the policies of this booking', schema: { type: 'string' } }, param('Limit'), param('Cursor')],
      responses: {
        '200': { description: 'A page of policies with endorsements and their cover (limits, deductibles, exclusions)', content: json('PolicyPage') },
        '400': problem('Invalid limit or cursor (`errors` names it)'),
        ...partnerRefusals,
      },
    },
  },
  '/v1/policies/{policyId}': {
    servers: serverOf('policy'),
    get: {
      operationId: 'getPolicy',
      tags: ['policy (port 3003)'],
      summary: 'One policy with its endorsements and premium breakdown',
      security: apiKey,
      parameters: [uuidPath('policyId')],
      responses: { '200': { description: 'The policy', content: json('Policy') }, ...partnerRefusals, '404': problem("Not found (or another partner's)") },
    },
  },
  '/v1/policies/{policyId}/certificate': {
    servers: serverOf('policy'),
    get: {
      operationId: 'getPolicyCertificate',
      tags: ['policy (port 3003)'],
      summary: 'Printable certificate of cover: coverages with limits and deductibles, the agreed vehicle value and the exclusions',
      security: apiKey,
      parameters: [uuidPath('policyId')],
      responses: { '200': { description: 'HTML certificate', content: { 'text/html': { schema: { type: 'string' } } } }, ...partnerRefusals, '404': problem('No bound policy') },
    },
  },
  '/v1/statements': {
    servers: serverOf('policy'),
    get: {
      operationId: 'getStatement',
      tags: ['policy (port 3003)'],
      summary: "The partner's statement, premium bordereau or claims bordereau for a Japan month or day, as JSON or CSV (docs/ledger.md)",
      description:
        'Rendered from the premium ledger entries posted into the period. Once the period is closed (`closed: true`) the document never changes: ' +
        'the same bytes and SHA-256 (ETag `"sha256-<hex>"`, `Repr-Digest`) every time; an event that arrives late posts into the open day as an adjustment.',
      security: apiKey,
      parameters: [
        { name: 'period', in: 'query', required: true, description: 'A Japan month `YYYY-MM` or day `YYYY-MM-DD`', schema: { type: 'string', pattern: '^\\d{4}-\\d{2}(-\\d{2})?$' } },
        { name: 'kind', in: 'query', required: false, description: 'Which document (default `statement`)', schema: { type: 'string', enum: [...STATEMENT_KINDS], default: 'statement' } },
        { name: 'format', in: 'query', required: false, description: 'json or csv; without it, `Accept: text/csv` asks for CSV', schema: { type: 'string', enum: ['json', 'csv'] } },
        { name: 'partnerId', in: 'query', required: false, description: 'Optional; must be the caller (another partner is refused with 403)', schema: { type: 'string' } },
      ],
      responses: {
        '200': {
          description: 'The document; its SHA-256 in ETag and Repr-Digest',
          headers: {
            ETag: { description: '`"sha256-<hex>"` of the body', schema: { type: 'string' } },
            'Repr-Digest': { description: 'RFC 9530 SHA-256 of the body', schema: { type: 'string' } },
          },
          content: {
            ...json('StatementDocument'),
            'text/csv': { schema: { type: 'string' } },
          },
        },
        '400': problem('Invalid period, kind or format (`errors` names it)'),
        '403': problem("Another partner's statements"),
        ...partnerRefusals,
      },
    },
  },
  '/v1/devices/{deviceId}': {
    servers: serverOf('claims-trigger'),
    put: {
      operationId: 'registerDevice',
      tags: ['claims-trigger (port 3004)'],
      summary: "Register a car's gateway; returns its MQTT credentials once",
      description:
        'The device can connect at once (no broker restart), over TLS at the returned mqtts:// address, with the returned username and client id (both `device:{deviceId}`; the account accepts no other client id) and may publish only under devices/{deviceId}/#, never retained. Registering again rotates the password; only the partner that registered the device may do so. With a `csr` (the gateway keeps its key) the answer adds a client certificate for the certificate listener.',
      security: apiKey,
      parameters: [{ name: 'deviceId', in: 'path', required: true, schema: { type: 'string', pattern: '^[A-Za-z0-9._:@-]{1,128}$' } }],
      requestBody: { required: true, content: json('DeviceRegistration') },
      responses: {
        '200': { description: 'MQTT credentials (shown once)', content: json('DeviceCredentials') },
        '400': problem('Invalid body, device id or csr (`errors` names the field)'),
        ...partnerRefusals,
        '409': problem('Device registered to another partner, or the id names an MQTT account that is not a device'),
        '503': problem('The MQTT broker cannot be administered right now (try again later); nothing was changed'),
      },
    },
    delete: {
      operationId: 'deleteDevice',
      tags: ['claims-trigger (port 3004)'],
      summary: "Revoke a gateway: its MQTT account and live session end at once",
      description:
        "The broker account is deleted (dynamic security disconnects a connected device, and its login is refused from then on), then the device is marked revoked (who, when, audit entry). Its claims and incidents keep naming it, and its id stays the partner's: registering it again with PUT makes it active with new credentials. Another partner's device, an unknown id and an already revoked device all answer 404, so a second DELETE answers 404. A client certificate issued to the device stays cryptographically valid until it expires (the broker checks no revocation list), but with the account gone it may publish nothing (docs/devices.md).",
      security: apiKey,
      parameters: [{ name: 'deviceId', in: 'path', required: true, schema: { type: 'string', pattern: '^[A-Za-z0-9._:@-]{1,128}$' } }],
      responses: {
        '204': { description: 'Revoked' },
        ...partnerRefusals,
        '404': problem("No active device of this partner with that id (unknown, another partner's, or already revoked)"),
        '503': problem('The MQTT broker cannot be administered right now (try again later); nothing was changed'),
      },
    },
  },
  '/v1/devices/{deviceId}/rotate-credentials': {
    servers: serverOf('claims-trigger'),
    post: {
      operationId: 'rotateDeviceCredentials',
      tags: ['claims-trigger (port 3004)'],
      summary: 'New MQTT credentials for an active gateway; the old password stops working at once',
      description:
        "Body `{}` for a new password, or `{ \"csr\" }` for a new password and a new client certificate. The answer has the same shape as the registration's and is shown once. Setting the password disconnects a session logged in with the old one, and the old password is refused from then on (no overlap: the gateway stores the new credentials before it reconnects). A certificate issued earlier stays valid until it expires: to cut off a leaked key, DELETE the device.",
      security: apiKey,
      parameters: [{ name: 'deviceId', in: 'path', required: true, schema: { type: 'string', pattern: '^[A-Za-z0-9._:@-]{1,128}$' } }],
      requestBody: { required: true, content: json('DeviceCredentialsRotation') },
      responses: {
        '200': { description: 'New MQTT credentials (shown once)', content: json('DeviceCredentials') },
        '400': problem('Not a JSON object, an unknown field, or an invalid csr (`errors` names the field)'),
        ...partnerRefusals,
        '404': problem("No active device of this partner with that id (unknown, another partner's, or revoked)"),
        '503': problem('The MQTT broker cannot be administered right now (try again later); nothing was changed'),
      },
    },
  },
  '/v1/claims': {
    servers: serverOf('claims-trigger'),
    get: {
      operationId: 'listClaims',
      tags: ['claims-trigger (port 3004)'],
      summary: "Claims on the partner's vehicles, newest first, a page at a time",
      security: ops,
      parameters: [...['vehicleId', 'status'].map((name) => ({ name, in: 'query', required: false, schema: { type: 'string' } })), param('Limit'), param('Cursor')],
      responses: { '200': { description: 'A page of claims', content: json('ClaimPage') }, '400': problem('Invalid limit or cursor (`errors` names it)'), ...partnerRefusals },
    },
  },
  '/v1/claims/{claimId}': {
    servers: serverOf('claims-trigger'),
    get: {
      operationId: 'getClaim',
      tags: ['claims-trigger (port 3004)'],
      summary: 'One claim with its signals',
      security: ops,
      parameters: [uuidPath('claimId')],
      responses: { '200': { description: 'The claim', content: json('ClaimDetail') }, ...partnerRefusals, '404': problem("Not found (or another partner's)") },
    },
  },
  '/v1/claims/{claimId}/confirm': claimAction('confirm', 'Confirm a provisional claim (the driver through the partner, or ops)'),
  '/v1/claims/{claimId}/withdraw': claimAction('withdraw', 'Withdraw a provisional claim (the driver through the partner, or ops)'),
  '/v1/claims/{claimId}/close': claimAction('close', 'Close a claim (ops only; a partner is refused 403)'),
  '/v1/claims/{claimId}/reserve': claimMoney('changeClaimReserve', 'ClaimReserveChange', 'ClaimReserveResult', 'A new case reserve for an open claim (ops only: claims-handler or admin; a partner is refused 403)', 'A withdrawn or closed claim (its reserve is final)'),
  '/v1/claims/{claimId}/payments': claimMoney('recordClaimPayment', 'ClaimPayment', 'ClaimPaymentResult', "A payment of a closed claim's settled amount, once per payment reference (ops only: claims-handler or admin; a partner is refused 403)", 'An open claim (nothing payable yet), more than is still payable, or the reference recorded with another amount'),
  ...webhookPaths,
  // Probes are open by design (orchestrators call them without credentials): `security: []` says so.
  '/health/live': { get: { operationId: 'getLiveness', tags: ['every service'], summary: 'Process is alive', security: [], responses: { '200': { description: 'Alive' } } } },
  '/health/ready': { get: { operationId: 'getReadiness', tags: ['every service'], summary: "Ready: the service's own dependencies answer", security: [], responses: { '200': { description: 'Ready' }, '503': { description: 'Not ready, with the failing checks' } } } },
  '/metrics': { get: { operationId: 'getMetrics', tags: ['every service'], summary: 'Prometheus metrics', security: [{ metricsToken: [] }], responses: { '200': { description: 'text/plain exposition format' }, '401': problem('METRICS_TOKEN is set and the bearer token is missing or wrong') } } },
};

export function buildOpenApi(): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Kuruma Cover HTTP API',
      version: '1.0.0',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
      description:
        'Partner-facing HTTP API of the Kuruma Cover services. Errors are RFC 9457 problem+json. On every endpoint: a partner over its request rate gets 429 with Retry-After (PARTNER_RATE_LIMIT_PER_S, PARTNER_RATE_LIMIT_BURST); a query parameter given twice is 400 naming it; a body that is not application/json is 415; a known path with another method is 405 with Allow. Lists are paged by an opaque cursor (limit, cursor, nextCursor); the POSTs that create something take an Idempotency-Key. Each path is served by one service (its `servers`); behind the partner gateway all are on one host (docs/partner-api.md). A TypeScript client generated from this document is in libs/partner-client. Generated by `npm run docs:openapi`; do not edit by hand.',
    },
    servers: partnerServers,
    paths,
    components: {
      securitySchemes: {
        partnerApiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' },
        standardWebhooks: { type: 'apiKey', in: 'header', name: 'webhook-signature', description: 'Standard Webhooks HMAC-SHA256 signature with the partner webhook secret' },
        opsServiceToken: {
          type: 'apiKey',
          in: 'header',
          name: 'x-ops-token',
          description:
            "Service token of the ops console, accepted only on claims-trigger's internal listener (CLAIMS_TRIGGER_OPS_PORT, never the partner port), with x-ops-identity: base64url({actor, role, action, exp}).base64url(HMAC-SHA256 with OPS_IDENTITY_KEY), signed for this one request",
        },
        metricsToken: { type: 'http', scheme: 'bearer', description: 'METRICS_TOKEN; required in production' },
      },
      parameters: partnerParameters,
      headers: partnerHeaders,
      responses: partnerResponses,
      schemas: {
        ...partnerSchemas,
        BookingEvent: schema(bookingEventV1Schema),
        QuoteRequest: schema(quoteRequestV1Schema),
        Quote: schema(quoteV1Schema, 'output'),
        CoverSchedule: schema(coverScheduleV1Schema, 'output'),
        ActiveTariff: schema(activeTariffV1Schema, 'output'),
        Statement: schema(statementV1Schema, 'output'),
        PremiumBordereau: schema(premiumBordereauV1Schema, 'output'),
        ClaimsBordereau: schema(claimsBordereauV1Schema, 'output'),
        ClaimReserveChange: schema(claimReserveChangeV1Schema),
        ClaimPayment: schema(claimPaymentV1Schema),
        ClaimReserveResult: {
          type: 'object',
          required: ['claimId', 'reserveYen', 'changed'],
          properties: { claimId: { type: 'string', format: 'uuid' }, reserveYen: { type: 'integer', description: 'The case reserve now, yen' }, changed: { type: 'boolean', description: 'false when the reserve already was that amount (nothing posted)' } },
        },
        ClaimPaymentResult: {
          type: 'object',
          required: ['claimId', 'paymentReference', 'amountYen', 'outstandingYen', 'recorded'],
          properties: {
            claimId: { type: 'string', format: 'uuid' },
            paymentReference: { type: 'string' },
            amountYen: { type: 'integer' },
            outstandingYen: { type: 'integer', description: 'Still payable on the claim after this payment, yen' },
            recorded: { type: 'boolean', description: 'false when this reference was already recorded with this amount (nothing posted again)' },
          },
        },
        StatementDocument: {
          description: 'The statement or the bordereau `kind` asked for',
          oneOf: [{ $ref: '#/components/schemas/Statement' }, { $ref: '#/components/schemas/PremiumBordereau' }, { $ref: '#/components/schemas/ClaimsBordereau' }],
        },
        DeviceRegistration: schema(deviceRegistrationV1Schema),
        DeviceCredentialsRotation: schema(deviceCredentialsRotationV1Schema),
        ...webhookSchemas,
        DeviceCredentials: {
          type: 'object',
          required: ['deviceId', 'vehicleId', 'mqtt'],
          properties: {
            deviceId: { type: 'string' },
            vehicleId: { type: 'string' },
            mqtt: {
              type: 'object',
              required: ['url', 'username', 'password', 'clientId', 'topics'],
              properties: {
                url: { type: 'string', description: 'Broker address (mqtts:// with TLS)' },
                username: { type: 'string', description: '`device:{deviceId}`' },
                password: { type: 'string' },
                clientId: { type: 'string', description: 'The only client id the account may connect with (same as username)' },
                topics: { type: 'object', properties: { crash: { type: 'string' }, lock: { type: 'string' }, trip: { type: 'string' } } },
                certificate: {
                  type: 'object',
                  description: 'Only when a csr was sent: a client certificate (CN = username) for the certificate listener, no password needed there',
                  properties: { url: { type: 'string' }, pem: { type: 'string' }, notAfter: { type: 'string', format: 'date-time' } },
                },
              },
            },
          },
        },
        Problem: {
          type: 'object',
          required: ['type', 'title', 'status'],
          properties: { type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' }, instance: { type: 'string' }, errors: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } } } },
        },
      },
    },
  };
}

export function renderOpenApi(): string {
  return `# Generated by \`npm run docs:openapi\` from tools/openapi.ts and libs/contracts. Do not edit by hand.\n${YAML.stringify(buildOpenApi(), { aliasDuplicateObjects: false })}`;
}

if (require.main === module) {
  const rendered = renderOpenApi();
  if (process.argv.includes('--check')) {
    if (readFileSync(OPENAPI_PATH, 'utf8') !== rendered) {
      console.error('docs/openapi.yaml is out of date: run `npm run docs:openapi` and commit it.');
      process.exit(1);
    }
    console.log('docs/openapi.yaml matches the contracts');
  } else {
    mkdirSync(dirname(OPENAPI_PATH), { recursive: true });
    writeFileSync(OPENAPI_PATH, rendered);
    console.log(`wrote ${OPENAPI_PATH}`);
  }
}
