import { PARTNER_ID_PATTERN } from '@kuruma/contracts';
import type { SqlTx } from '@kuruma/data-access-db';
import { ProblemException } from '@kuruma/service-kit';
import { type EndpointListParams, WEBHOOK_ENDPOINT_ID } from './webhook-inputs';

/** The newest delivery that has been tried: how the endpoint is doing now. */
export interface LastDelivery {
  eventId: string;
  eventType: string;
  state: 'pending' | 'delivered' | 'failed';
  at: Date;
  /** Null when no answer came (refused, timed out, address refused). */
  statusCode: number | null;
  error: string | null;
}

/** An endpoint as operators see it: never its signing secrets. */
export interface OpsWebhookEndpoint {
  id: string;
  partnerId: string;
  url: string;
  eventTypes: string[];
  enabled: boolean;
  disabledReason: string | null;
  failingSince: Date | null;
  createdAt: Date;
  lastDelivery: LastDelivery | null;
}

/** The console's read side of partner-webhooks' endpoints, across partners. */
export class WebhookEndpointsQuery {
  constructor(private readonly db: SqlTx) {}

  /** Ordered by partner then id, keyset-paginated on them (an endpoint registered meanwhile is neither repeated nor skipped). */
  async list(params: EndpointListParams): Promise<{ items: OpsWebhookEndpoint[]; next: string | null }> {
    const after = decodeCursor(params.cursor);
    // Columns named one by one: the secrets stay in the database.
    const rows = await this.db.$queryRaw<(Omit<OpsWebhookEndpoint, 'lastDelivery'> & { last: LastDelivery | null })[]>`
      SELECT e.id, e.partner_id AS "partnerId", e.url, e.event_types AS "eventTypes", e.enabled, e.disabled_reason AS "disabledReason",
             e.failing_since AS "failingSince", e.created_at AS "createdAt",
             CASE WHEN last.id IS NULL THEN NULL ELSE json_build_object('eventId', last.event_id, 'eventType', last.type, 'state', last.state,
               'at', last.attempted_at, 'statusCode', last.status_code, 'error', last.error) END AS last
        FROM webhook_endpoint e
        LEFT JOIN LATERAL (
          SELECT d.id, d.state, ev.event_id, ev.type, a.attempted_at, a.status_code, a.error
            FROM webhook_delivery d
            JOIN webhook_event ev ON ev.seq = d.event_seq
            JOIN LATERAL (SELECT attempted_at, status_code, error FROM webhook_attempt WHERE delivery_id = d.id ORDER BY id DESC LIMIT 1) a ON true
           WHERE d.endpoint_id = e.id AND d.attempts > 0
           ORDER BY d.id DESC LIMIT 1
        ) last ON true
       WHERE (${params.partnerId ?? null}::text IS NULL OR e.partner_id = ${params.partnerId ?? null}::text)
         AND (${after?.partnerId ?? null}::text IS NULL OR (e.partner_id, e.id) > (${after?.partnerId ?? null}::text, ${after?.id ?? null}::text))
       ORDER BY e.partner_id, e.id
       LIMIT ${params.limit + 1}`;
    const items = rows.slice(0, params.limit).map(({ last, ...endpoint }) => ({ ...endpoint, lastDelivery: last ? { ...last, at: new Date(last.at) } : null }));
    const tail = items.at(-1);
    return { items, next: rows.length > params.limit && tail ? encodeCursor(tail.partnerId, tail.id) : null };
  }

  /** The partner an endpoint belongs to; null when there is no such endpoint. */
  async partnerOf(id: string, tx: SqlTx = this.db): Promise<string | null> {
    const rows = await tx.$queryRaw<{ partner_id: string }[]>`SELECT partner_id FROM webhook_endpoint WHERE id = ${id}`;
    return rows[0]?.partner_id ?? null;
  }
}

const encodeCursor = (partnerId: string, id: string): string => Buffer.from(`${partnerId}|${id}`).toString('base64url');

/** A cursor this API handed out, or a 400 naming the field. */
function decodeCursor(cursor: string | undefined): { partnerId: string; id: string } | null {
  if (cursor === undefined || cursor === '') return null;
  const [partnerId = '', id = '', ...rest] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (rest.length > 0 || !PARTNER_ID_PATTERN.test(partnerId) || !WEBHOOK_ENDPOINT_ID.test(id)) {
    throw ProblemException.badRequest('invalid cursor', [{ field: 'cursor', message: 'use the next value of the previous page' }]);
  }
  return { partnerId, id };
}
