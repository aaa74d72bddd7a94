import type { PipeTransform } from '@nestjs/common';
import { z } from 'zod';
import { PARTNER_ID_PATTERN, webhookReplayV1Schema } from '@kuruma/contracts';
import { WEBHOOK_DELIVERY_CURSOR } from '@kuruma/data-access-db';
import { ProblemException } from '@kuruma/service-kit';
import type { OpsRole } from '../auth/identity-provider';

/**
 * Who may resend events and re-enable endpoints: admins, as for a dead-letter redrive (both send
 * records again, here to a partner's own servers). Everyone signed in sees the endpoints and logs.
 */
export const WEBHOOK_OPERATORS: readonly OpsRole[] = ['admin'];

/** An endpoint id as partner-webhooks makes them (`we_` + 32 hex). */
export const WEBHOOK_ENDPOINT_ID = /^we_[0-9a-f]{32}$/;

/** `GET /api/webhooks/endpoints`: every partner's endpoints, or one partner's. */
export const endpointListParams = z.strictObject({
  partnerId: z.string().regex(PARTNER_ID_PATTERN, 'a partner id (lower-case letters, digits, -)').optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type EndpointListParams = z.infer<typeof endpointListParams>;

/** `GET /api/webhooks/endpoints/:id/deliveries`: the cursor is the partner API's (a delivery id). */
export const deliveryLogParams = z.strictObject({
  cursor: z.string().regex(WEBHOOK_DELIVERY_CURSOR, 'the next value of the previous page').optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type DeliveryLogParams = z.infer<typeof deliveryLogParams>;

/** The partner API's replay body, so a console replay asks for exactly what an API replay can. */
export const replayBody = webhookReplayV1Schema;

/** `@Param('id', endpointIdPipe)`: a malformed id is a 400 naming `id`, never a query. */
export const endpointIdPipe: PipeTransform<string, string> = {
  transform(id: string): string {
    if (!WEBHOOK_ENDPOINT_ID.test(id)) throw ProblemException.badRequest('id must be a webhook endpoint id', [{ field: 'id', message: 'we_ followed by 32 hexadecimal digits' }]);
    return id;
  },
};
