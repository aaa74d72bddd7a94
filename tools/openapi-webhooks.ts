/**
 * The outbound webhook API (partner-webhooks) in docs/openapi.yaml: its paths and schemas, spread
 * into tools/openapi.ts, generated from the same zod schemas the service validates with.
 */
import { z } from 'zod';
import { serverOf } from './openapi-partner';
import {
  webhookDeliveryPageV1Schema,
  webhookEndpointCreateV1Schema,
  webhookEndpointListV1Schema,
  webhookEndpointPatchV1Schema,
  webhookEndpointV1Schema,
  webhookReplayV1Schema,
} from '@kuruma/contracts';

const schema = (s: z.ZodType, io: 'input' | 'output' = 'input') => z.toJSONSchema(s, { io, unrepresentable: 'any' });
const json = (ref: string) => ({ 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } });
const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } });
const security = [{ partnerApiKey: [] }];
const tags = ['partner-webhooks (port 3005)'];
const id = { name: 'id', in: 'path', required: true, description: 'Endpoint id (`we_...`)', schema: { type: 'string' } };
const notFound = problem("No such endpoint (or another partner's)");
const answer = (name: string) => ({ $ref: `#/components/responses/${name}` });
/** What any partner route may answer besides its own: unknown key, over the rate (as tools/openapi.ts). */
const unauthenticated = answer('Unauthorized');
const servers = serverOf('partner-webhooks');

export const webhookPaths = {
  '/v1/webhook-endpoints': {
    servers,
    post: {
      tags,
      operationId: 'createWebhookEndpoint',
      summary: 'Register a receiver for policy and claim events; the signing secret is in this answer only',
      description:
        'Deliveries are POSTs of the CloudEvent JSON the topics carry, signed per Standard Webhooks (docs/webhooks.md). In production the URL must be https on a public address (no loopback, private, link-local or reserved addresses; names are checked again on what they resolve to at each delivery).',
      security,
      parameters: [{ $ref: '#/components/parameters/IdempotencyKey' }],
      requestBody: { required: true, content: json('WebhookEndpointCreate') },
      responses: {
        '201': { description: 'The endpoint with its secret (shown once)', content: json('WebhookEndpoint') },
        '400': problem('Invalid url or eventTypes (`errors` names the field)'),
        '401': unauthenticated, '429': answer('TooManyRequests'),
        '409': problem('The partner already has WEBHOOK_MAX_ENDPOINTS_PER_PARTNER endpoints, or a request with the same Idempotency-Key is still in flight'),
        '422': answer('IdempotencyKeyReused'),
      },
    },
    get: {
      tags,
      operationId: 'listWebhookEndpoints',
      summary: "The partner's endpoints (at most WEBHOOK_MAX_ENDPOINTS_PER_PARTNER, so one page)",
      security,
      responses: { '200': { description: 'Endpoints, oldest first, without secrets', content: json('WebhookEndpointList') }, '401': unauthenticated, '429': answer('TooManyRequests') },
    },
  },
  '/v1/webhook-endpoints/{id}': {
    servers,
    get: { tags, operationId: 'getWebhookEndpoint', summary: 'One endpoint (without its secret)', security, parameters: [id], responses: { '200': { description: 'The endpoint', content: json('WebhookEndpoint') }, '401': unauthenticated, '429': answer('TooManyRequests'), '404': notFound } },
    patch: {
      tags,
      operationId: 'updateWebhookEndpoint',
      summary: 'Change the URL, event types or enabling; enabling again clears a disabling, and held deliveries resume',
      security,
      parameters: [id],
      requestBody: { required: true, content: json('WebhookEndpointPatch') },
      responses: { '200': { description: 'The endpoint', content: json('WebhookEndpoint') }, '400': problem('Invalid field (`errors` names it)'), '401': unauthenticated, '429': answer('TooManyRequests'), '404': notFound },
    },
    delete: { tags, operationId: 'deleteWebhookEndpoint', summary: 'Remove the endpoint and its delivery log', security, parameters: [id], responses: { '204': { description: 'Removed' }, '401': unauthenticated, '429': answer('TooManyRequests'), '404': notFound } },
  },
  '/v1/webhook-endpoints/{id}/rotate-secret': {
    servers,
    post: {
      tags,
      operationId: 'rotateWebhookEndpointSecret',
      summary: 'A new signing secret; deliveries carry a signature with the previous one too until previousSecretExpiresAt (WEBHOOK_SECRET_OVERLAP_MS, 24 h)',
      security,
      parameters: [id],
      responses: { '200': { description: 'The endpoint with its new secret (shown once)', content: json('WebhookEndpoint') }, '401': unauthenticated, '429': answer('TooManyRequests'), '404': notFound },
    },
  },
  '/v1/webhook-endpoints/{id}/deliveries': {
    servers,
    get: {
      tags,
      operationId: 'listWebhookDeliveries',
      summary: 'The delivery log: each event sent to the endpoint with its attempts (status code, latency, error), newest first',
      security,
      parameters: [
        id,
        { name: 'cursor', in: 'query', required: false, description: 'nextCursor of the previous page', schema: { type: 'string' } },
        { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } },
      ],
      responses: { '200': { description: 'A page of deliveries', content: json('WebhookDeliveryPage') }, '400': problem('Invalid cursor or limit'), '401': unauthenticated, '429': answer('TooManyRequests'), '404': notFound },
    },
  },
  '/v1/webhook-endpoints/{id}/replay': {
    servers,
    post: {
      tags,
      operationId: 'replayWebhookDeliveries',
      summary: 'Send one event again (by its CloudEvent id), or every subscribed event since an instant (at most WEBHOOK_REPLAY_MAX), with the same webhook-id',
      security,
      parameters: [id],
      requestBody: { required: true, content: json('WebhookReplay') },
      responses: {
        '202': { description: 'Queued', content: json('WebhookReplayQueued') },
        '400': problem('Neither eventId nor since, or an invalid one'),
        '401': unauthenticated, '429': answer('TooManyRequests'),
        '404': problem('No such endpoint or event for this partner'),
      },
    },
  },
};

export const webhookSchemas = {
  WebhookEndpointCreate: schema(webhookEndpointCreateV1Schema),
  WebhookEndpointPatch: schema(webhookEndpointPatchV1Schema),
  WebhookReplay: schema(webhookReplayV1Schema),
  WebhookReplayQueued: { type: 'object', required: ['replayed'], properties: { replayed: { type: 'integer', description: 'How many deliveries were queued again' } } },
  WebhookEndpoint: schema(webhookEndpointV1Schema, 'output'),
  WebhookEndpointList: schema(webhookEndpointListV1Schema, 'output'),
  WebhookDeliveryPage: schema(webhookDeliveryPageV1Schema, 'output'),
};
