import type { SqlTransactional, SqlTx } from '../sql/sql-database';
import { replayWebhookEvents, type WebhookReplayFilter } from './webhook-replay';

/** A policy or claim event of a partner, as its topic carried it. */
export interface WebhookEventInput {
  source: string;
  eventId: string;
  partnerId: string;
  type: string;
  orderingKey: string;
  /** The CloudEvent JSON exactly as on the topic: what the receiver gets and what is signed. */
  body: string;
  /**
   * The CloudEvent's `time`: an endpoint gets the events that happened once it existed, so one
   * registered while the deliverer catches up on a backlog is not flooded with the past (replay
   * reaches back). Without it (the platform's own notices) every subscribed endpoint gets it.
   */
  occurredAt?: string;
}

/** A delivery a deliverer has leased, with what it needs to send it. */
export interface LeasedDelivery {
  id: string;
  endpoint_id: string;
  attempts: number;
  url: string;
  secret: string;
  previous_secret: string | null;
  event_id: string;
  body: string;
}

export interface DeliveryAttemptRow {
  delivery_id: string;
  attempted_at: Date;
  status_code: number | null;
  latency_ms: number;
  error: string | null;
}

export interface DeliveryLogRow {
  id: string;
  event_id: string;
  type: string;
  state: 'pending' | 'delivered' | 'failed';
  replay: boolean;
  created_at: Date;
  delivered_at: Date | null;
  next_attempt_at: Date;
}

/** What an attempt came to, as the deliverer saw it. */
export interface AttemptOutcome {
  deliveryId: string;
  endpointId: string;
  at: Date;
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
  /** Null when it succeeded or when the retry schedule has run out. */
  retryInMs: number | null;
}

/** Arbitrary but fixed: the advisory lock under which one deliverer at a time leases deliveries. */
const LEASE_LOCK = 7_182_001;

/**
 * Outbound webhook deliveries in Postgres: the same outbox discipline as the topics. A delivery
 * row commits with the inbox key of its event, is leased (not locked) while an attempt runs, and
 * is finished only when the attempt's outcome commits, so a deliverer killed at any point leaves
 * it to be sent again once its lease expires (at least once; receivers de-duplicate by webhook-id).
 */
export class WebhookDeliveryRepository {
  constructor(private readonly db: SqlTransactional) {}

  /**
   * Records new events (a redelivered one finds its (source, id) and adds nothing) and a pending
   * delivery for each enabled endpoint of its partner subscribed to its type, in the events' order.
   * Returns how many deliveries were created.
   */
  async enqueue(tx: SqlTx, events: readonly WebhookEventInput[]): Promise<number> {
    if (events.length === 0) return 0;
    const col = <K extends keyof WebhookEventInput>(k: K) => events.map((e) => e[k]);
    const rows = await tx.$queryRaw<{ n: number }[]>`
      WITH input AS (
        SELECT * FROM unnest(${col('source')}::text[], ${col('eventId')}::text[], ${col('partnerId')}::text[], ${col('type')}::text[], ${col('orderingKey')}::text[], ${col('body')}::text[], ${events.map((e) => e.occurredAt ?? null)}::timestamptz[])
          WITH ORDINALITY AS i(source, event_id, partner_id, type, ordering_key, body, occurred_at, n)
      ), fresh AS (
        INSERT INTO webhook_event (source, event_id, partner_id, type, ordering_key, body)
        SELECT source, event_id, partner_id, type, ordering_key, body FROM input ORDER BY n
        ON CONFLICT (source, event_id) DO NOTHING
        RETURNING seq, source, event_id, partner_id, type, ordering_key
      ), created AS (
        INSERT INTO webhook_delivery (endpoint_id, event_seq, ordering_key)
        SELECT e.id, f.seq, f.ordering_key FROM fresh f
        JOIN input i ON i.source = f.source AND i.event_id = f.event_id
        JOIN webhook_endpoint e ON e.partner_id = f.partner_id AND e.enabled AND f.type = ANY (e.event_types)
          AND (i.occurred_at IS NULL OR e.created_at <= i.occurred_at)
        ORDER BY f.seq, e.id
        RETURNING 1
      )
      SELECT count(*)::int AS n FROM created`;
    return rows[0]?.n ?? 0;
  }

  /**
   * Leases up to `limit` deliveries that are due: of each endpoint's booking only the earliest
   * pending event (a later one waits while an earlier one is retried), of each enabled endpoint
   * no more than `perEndpoint` in flight. One deliverer leases at a time (advisory lock), so the
   * limit holds across instances.
   */
  async lease(limit: number, perEndpoint: number, leaseMs: number): Promise<LeasedDelivery[]> {
    return this.db.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT pg_advisory_xact_lock(${LEASE_LOCK}::bigint)`;
      return tx.$queryRaw<LeasedDelivery[]>`
        WITH heads AS (
          SELECT DISTINCT ON (d.endpoint_id, d.ordering_key) d.id, d.endpoint_id, d.next_attempt_at, d.lease_until
          FROM webhook_delivery d
          WHERE d.state = 'pending'
          ORDER BY d.endpoint_id, d.ordering_key, d.event_seq, d.id
        ), busy AS (
          SELECT endpoint_id, count(*)::int AS n FROM heads WHERE lease_until > now() GROUP BY endpoint_id
        ), ready AS (
          SELECT h.id, h.endpoint_id, h.next_attempt_at,
            row_number() OVER (PARTITION BY h.endpoint_id ORDER BY h.next_attempt_at, h.id) AS rank
          FROM heads h JOIN webhook_endpoint e ON e.id = h.endpoint_id AND e.enabled
          WHERE h.next_attempt_at <= now() AND (h.lease_until IS NULL OR h.lease_until <= now())
        ), chosen AS (
          SELECT r.id FROM ready r LEFT JOIN busy b ON b.endpoint_id = r.endpoint_id
          WHERE r.rank + COALESCE(b.n, 0) <= ${perEndpoint}
          ORDER BY r.next_attempt_at, r.id
          LIMIT ${limit}
        )
        UPDATE webhook_delivery d SET lease_until = now() + (${leaseMs}::int * interval '1 millisecond')
        FROM chosen c, webhook_endpoint e, webhook_event ev
        WHERE d.id = c.id AND e.id = d.endpoint_id AND ev.seq = d.event_seq
        RETURNING d.id::text AS id, d.endpoint_id, d.attempts, e.url, e.secret,
          CASE WHEN e.previous_secret_expires_at > now() THEN e.previous_secret END AS previous_secret,
          ev.event_id, ev.body`;
    });
  }

  /**
   * Records an attempt and moves its delivery on (delivered, retried later, or failed) with the
   * endpoint's failure period, in one transaction. Returns the endpoint's failing-since instant
   * after it (null when it answered), for the caller's disabling rule.
   */
  async recordAttempt(tx: SqlTx, outcome: AttemptOutcome): Promise<Date | null> {
    const ok = outcome.statusCode !== null && outcome.statusCode >= 200 && outcome.statusCode < 300;
    await tx.$executeRaw`
      INSERT INTO webhook_attempt (delivery_id, attempted_at, status_code, latency_ms, error)
      VALUES (${outcome.deliveryId}::bigint, ${outcome.at}, ${outcome.statusCode}::int, ${outcome.latencyMs}::int, ${outcome.error})`;
    await tx.$executeRaw`
      UPDATE webhook_delivery SET
        attempts = attempts + 1,
        lease_until = NULL,
        state = CASE WHEN ${ok}::boolean THEN 'delivered' WHEN ${outcome.retryInMs}::int IS NULL THEN 'failed' ELSE 'pending' END,
        delivered_at = CASE WHEN ${ok}::boolean THEN now() ELSE NULL END,
        next_attempt_at = CASE WHEN ${outcome.retryInMs}::int IS NULL THEN next_attempt_at ELSE now() + (${outcome.retryInMs}::int * interval '1 millisecond') END
      WHERE id = ${outcome.deliveryId}::bigint`;
    const rows = await tx.$queryRaw<{ failing_since: Date | null }[]>`
      UPDATE webhook_endpoint SET failing_since = CASE WHEN ${ok}::boolean THEN NULL ELSE COALESCE(failing_since, ${outcome.at}) END
      WHERE id = ${outcome.endpointId}
      RETURNING failing_since`;
    return rows[0]?.failing_since ?? null;
  }

  /** A page of an endpoint's deliveries, newest first, from before the cursor (a delivery id). */
  async page(endpointId: string, before: string | null, limit: number): Promise<{ deliveries: DeliveryLogRow[]; attempts: DeliveryAttemptRow[] }> {
    const deliveries = await this.db.$queryRaw<DeliveryLogRow[]>`
      SELECT d.id::text AS id, ev.event_id, ev.type, d.state, d.replay, d.created_at, d.delivered_at, d.next_attempt_at
      FROM webhook_delivery d JOIN webhook_event ev ON ev.seq = d.event_seq
      WHERE d.endpoint_id = ${endpointId} AND (${before}::bigint IS NULL OR d.id < ${before}::bigint)
      ORDER BY d.id DESC LIMIT ${limit}`;
    const attempts = deliveries.length
      ? await this.db.$queryRaw<DeliveryAttemptRow[]>`
          SELECT delivery_id::text AS delivery_id, attempted_at, status_code, latency_ms, error FROM webhook_attempt
          WHERE delivery_id = ANY (${deliveries.map((d) => d.id)}::bigint[]) ORDER BY id`
      : [];
    return { deliveries, attempts };
  }

  /** See {@link replayWebhookEvents}: the API's replay; the ops console calls the function in its own transaction. */
  async replay(endpointId: string, partnerId: string, filter: WebhookReplayFilter, max: number): Promise<number> {
    return replayWebhookEvents(this.db, endpointId, partnerId, filter, max);
  }

  /**
   * Deletes up to `batch` events received more than `retentionMs` ago with nothing pending, and
   * with them their deliveries and attempts (the log and the replay reach back this far). Returns how many.
   */
  async prune(retentionMs: number, batch: number): Promise<number> {
    return this.db.$executeRaw`
      DELETE FROM webhook_event WHERE seq IN (
        SELECT ev.seq FROM webhook_event ev
        WHERE ev.received_at < now() - (${retentionMs}::bigint * interval '1 millisecond')
          AND NOT EXISTS (SELECT 1 FROM webhook_delivery d WHERE d.event_seq = ev.seq AND d.state = 'pending')
        ORDER BY ev.received_at LIMIT ${batch})`;
  }

  /** Seconds the oldest due delivery has been waiting (0 when none): the deliverer's lag. */
  async dueLagSeconds(): Promise<number> {
    const rows = await this.db.$queryRaw<{ s: number | null }[]>`
      SELECT EXTRACT(EPOCH FROM now() - min(next_attempt_at))::float8 AS s FROM webhook_delivery WHERE state = 'pending' AND next_attempt_at <= now()`;
    return Math.max(0, rows[0]?.s ?? 0);
  }
}
