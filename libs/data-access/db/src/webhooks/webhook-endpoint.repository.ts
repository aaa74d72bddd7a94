import type { SqlTransactional, SqlTx } from '../sql/sql-database';

export interface WebhookEndpointRow {
  id: string;
  partner_id: string;
  url: string;
  event_types: string[];
  enabled: boolean;
  disabled_reason: string | null;
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: Date | null;
  failing_since: Date | null;
  created_at: Date;
  updated_at: Date;
}

export interface NewWebhookEndpoint {
  id: string;
  partnerId: string;
  url: string;
  eventTypes: string[];
  enabled: boolean;
  secret: string;
}

export interface WebhookEndpointChange {
  url?: string;
  eventTypes?: string[];
  enabled?: boolean;
}

/**
 * A partner's webhook endpoints. Every read and write names the partner: an endpoint of another
 * partner is indistinguishable from one that does not exist.
 */
export class WebhookEndpointRepository {
  constructor(private readonly db: SqlTransactional) {}

  /** Creates the endpoint unless the partner already has `max`; null when it has. */
  async create(endpoint: NewWebhookEndpoint, max: number): Promise<WebhookEndpointRow | null> {
    return this.db.$transaction(async (tx) => {
      // Serialises a partner's concurrent creations, so the cap holds.
      await tx.$queryRaw`SELECT pg_advisory_xact_lock(hashtext('webhook_endpoint:' || ${endpoint.partnerId}))`;
      const [count] = await tx.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM webhook_endpoint WHERE partner_id = ${endpoint.partnerId}`;
      if ((count?.n ?? 0) >= max) return null;
      const rows = await tx.$queryRaw<WebhookEndpointRow[]>`
        INSERT INTO webhook_endpoint (id, partner_id, url, event_types, enabled, secret)
        VALUES (${endpoint.id}, ${endpoint.partnerId}, ${endpoint.url}, ${endpoint.eventTypes}::text[], ${endpoint.enabled}, ${endpoint.secret})
        RETURNING *`;
      return rows[0] ?? null;
    });
  }

  async list(partnerId: string): Promise<WebhookEndpointRow[]> {
    return this.db.$queryRaw<WebhookEndpointRow[]>`SELECT * FROM webhook_endpoint WHERE partner_id = ${partnerId} ORDER BY created_at, id`;
  }

  async find(partnerId: string, id: string): Promise<WebhookEndpointRow | null> {
    const rows = await this.db.$queryRaw<WebhookEndpointRow[]>`SELECT * FROM webhook_endpoint WHERE partner_id = ${partnerId} AND id = ${id}`;
    return rows[0] ?? null;
  }

  /** See {@link changeWebhookEndpoint}. */
  async update(partnerId: string, id: string, change: WebhookEndpointChange): Promise<WebhookEndpointRow | null> {
    return this.db.$transaction((tx) => changeWebhookEndpoint(tx, partnerId, id, change));
  }

  async delete(partnerId: string, id: string): Promise<boolean> {
    return (await this.db.$executeRaw`DELETE FROM webhook_endpoint WHERE partner_id = ${partnerId} AND id = ${id}`) > 0;
  }

  /** A new secret; the current one keeps signing (beside it) until `overlapMs` from now. */
  async rotateSecret(partnerId: string, id: string, secret: string, overlapMs: number): Promise<WebhookEndpointRow | null> {
    const rows = await this.db.$queryRaw<WebhookEndpointRow[]>`
      UPDATE webhook_endpoint SET
        previous_secret = secret,
        previous_secret_expires_at = now() + (${overlapMs}::int * interval '1 millisecond'),
        secret = ${secret},
        updated_at = now()
      WHERE partner_id = ${partnerId} AND id = ${id}
      RETURNING *`;
    return rows[0] ?? null;
  }
}

/** Disables an endpoint inside the caller's transaction, once (null when it already was). */
export async function disableWebhookEndpoint(tx: SqlTx, id: string, reason: string): Promise<WebhookEndpointRow | null> {
  const rows = await tx.$queryRaw<WebhookEndpointRow[]>`
    UPDATE webhook_endpoint SET enabled = false, disabled_reason = ${reason}, updated_at = now()
    WHERE id = ${id} AND enabled RETURNING *`;
  return rows[0] ?? null;
}

/**
 * Applies a change to a partner's endpoint in the caller's transaction (the partner's PATCH, the
 * ops console's re-enabling with its audit entry); enabling clears a disabling and the failure
 * period, and makes the held deliveries due now rather than at the end of their backoff (which
 * may be a day away). Null when the partner has no such endpoint.
 */
export async function changeWebhookEndpoint(tx: SqlTx, partnerId: string, id: string, change: WebhookEndpointChange): Promise<WebhookEndpointRow | null> {
  const rows = await tx.$queryRaw<WebhookEndpointRow[]>`
    UPDATE webhook_endpoint SET
      url = COALESCE(${change.url ?? null}::text, url),
      event_types = COALESCE(${change.eventTypes ?? null}::text[], event_types),
      enabled = COALESCE(${change.enabled ?? null}::boolean, enabled),
      disabled_reason = CASE WHEN ${change.enabled ?? null}::boolean THEN NULL ELSE disabled_reason END,
      failing_since = CASE WHEN ${change.enabled ?? null}::boolean THEN NULL ELSE failing_since END,
      updated_at = now()
    WHERE partner_id = ${partnerId} AND id = ${id}
    RETURNING *`;
  const row = rows[0] ?? null;
  if (row && change.enabled === true) await tx.$executeRaw`UPDATE webhook_delivery SET next_attempt_at = now() WHERE endpoint_id = ${id} AND state = 'pending'`;
  return row;
}
