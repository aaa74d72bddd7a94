import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { WEBHOOK_ENDPOINT_DISABLED, type WebhookEndpointDisabledDataV1 } from '@kuruma/contracts';
import { disableWebhookEndpoint, type LeasedDelivery, type SqlDatabase, type SqlTx, type WebhookDeliveryRepository, type WebhookEndpointRow, type WebhookEventInput } from '@kuruma/data-access-db';
import type { ScheduledJob, ServiceMetrics } from '@kuruma/service-kit';
import { nextRetryDelayMs } from './retry-schedule';
import { signDelivery } from './webhook-signature';
import type { WebhookSender } from './webhook-sender';

export interface DeliverWebhooksOptions {
  retryScheduleMs: readonly number[];
  disableAfterMs: number;
  timeoutMs: number;
  perEndpoint: number;
  maxInFlight: number;
  pollMs: number;
  /** Events (with their deliveries and attempts) older than this are deleted, unless still pending. */
  retentionMs: number;
}

/** How often old events are pruned, and how many at a time (small deletes, no long locks). */
const PRUNE_EVERY_MS = 600_000;
const PRUNE_BATCH = 1_000;

/**
 * A lease outlives the attempt's timeout by this much, so a live deliverer normally records its
 * outcome first; if recording takes longer (a slow database), the delivery is merely sent twice.
 * Short, because it is also how long a killed deliverer's deliveries wait before they are sent again.
 */
const LEASE_MARGIN_MS = 5_000;

/**
 * The delivery loop: leases due deliveries from Postgres, POSTs each signed, and records the
 * outcome (delivered, retried on the schedule, or failed) in one transaction. An endpoint failing
 * for longer than `disableAfterMs` is disabled in that transaction, and a `com.kurumacover.webhook.endpoint-disabled`
 * event goes to the partner's other endpoints subscribed to it. Stopping waits for the attempts in
 * flight to finish and be recorded (graceful shutdown); a kill leaves their leases to expire.
 */
export class DeliverWebhooksJob implements ScheduledJob {
  private timer?: NodeJS.Timeout;
  private stopped = true;
  private ticking?: Promise<void>;
  private again = false;
  private lastPruneAt = 0;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly attempts;
  private readonly attemptSeconds;
  private readonly disabled;
  private readonly lag;

  constructor(
    private readonly db: SqlDatabase,
    private readonly deliveries: WebhookDeliveryRepository,
    private readonly sender: WebhookSender,
    private readonly options: DeliverWebhooksOptions,
    private readonly logger: Logger,
    metrics: ServiceMetrics,
  ) {
    this.attempts = metrics.counter('kuruma_webhook_attempts_total', 'Webhook delivery attempts by outcome (delivered, retry, failed: the schedule ran out)', ['outcome']);
    this.attemptSeconds = metrics.histogram('kuruma_webhook_attempt_seconds', 'Duration of one webhook attempt, until the receiver answered or it failed');
    this.disabled = metrics.counter('kuruma_webhook_endpoints_disabled_total', 'Endpoints disabled after failing for WEBHOOK_DISABLE_AFTER_MS');
    this.lag = metrics.gauge('kuruma_webhook_lag_seconds', 'How long the oldest due webhook delivery has waited');
  }

  start(): void {
    this.stopped = false;
    this.timer = setInterval(() => this.wake(), this.options.pollMs);
    this.wake();
  }

  /** Looks for due deliveries now (new events were enqueued, an attempt finished). */
  wake(): void {
    if (this.stopped) return;
    if (this.ticking) {
      this.again = true;
      return;
    }
    this.ticking = this.tick()
      .catch((err: Error) => this.logger.warn({ err: err.message }, 'webhook delivery tick failed; retrying on the next one'))
      .finally(() => {
        this.ticking = undefined;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.ticking;
    await Promise.all(this.inFlight);
  }

  private async tick(): Promise<void> {
    this.lag.set(await this.deliveries.dueLagSeconds());
    if (Date.now() - this.lastPruneAt >= PRUNE_EVERY_MS) {
      this.lastPruneAt = Date.now();
      const pruned = await this.deliveries.prune(this.options.retentionMs, PRUNE_BATCH);
      if (pruned > 0) this.logger.info({ pruned }, 'pruned old webhook events');
    }
    const room = this.options.maxInFlight - this.inFlight.size;
    if (room <= 0) return;
    const leased = await this.deliveries.lease(room, this.options.perEndpoint, this.options.timeoutMs + LEASE_MARGIN_MS);
    for (const delivery of leased) {
      const attempt = this.attempt(delivery).catch((err: Error) =>
        // Its lease expires and another attempt follows: nothing is lost, at worst sent twice.
        this.logger.warn({ err: err.message, deliveryId: delivery.id }, 'could not record a webhook attempt'),
      );
      this.inFlight.add(attempt);
      void attempt.finally(() => {
        this.inFlight.delete(attempt);
        this.wake();
      });
    }
  }

  private async attempt(delivery: LeasedDelivery): Promise<void> {
    const at = new Date();
    const headers = signDelivery({ current: delivery.secret, previous: delivery.previous_secret ?? undefined }, delivery.event_id, at, delivery.body);
    const result = await this.sender.send(delivery.url, headers, delivery.body);
    this.attemptSeconds.observe(result.latencyMs / 1000);
    const ok = result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
    const retryInMs = ok ? null : nextRetryDelayMs(this.options.retryScheduleMs, delivery.attempts + 1);
    const error = result.error ?? (ok ? null : `HTTP ${result.statusCode}`);
    await this.db.$transaction(async (tx) => {
      const failingSince = await this.deliveries.recordAttempt(tx, { deliveryId: delivery.id, endpointId: delivery.endpoint_id, at, statusCode: result.statusCode, latencyMs: result.latencyMs, error, retryInMs });
      if (failingSince && at.getTime() - failingSince.getTime() >= this.options.disableAfterMs) await this.disable(tx, delivery.endpoint_id, failingSince);
    });
    this.attempts.inc({ outcome: ok ? 'delivered' : retryInMs === null ? 'failed' : 'retry' });
  }

  private async disable(tx: SqlTx, endpointId: string, failingSince: Date): Promise<void> {
    const reason = `every delivery failed since ${failingSince.toISOString()} (longer than ${this.options.disableAfterMs} ms)`;
    const endpoint = await disableWebhookEndpoint(tx, endpointId, reason);
    if (!endpoint) return;
    await this.deliveries.enqueue(tx, [disabledNotice(endpoint, failingSince, reason)]);
    this.disabled.inc();
    this.logger.warn({ endpointId, partnerId: endpoint.partner_id }, 'webhook endpoint disabled');
  }
}

/** The `com.kurumacover.webhook.endpoint-disabled` CloudEvent for the partner's other endpoints. */
function disabledNotice(endpoint: WebhookEndpointRow, failingSince: Date, reason: string): WebhookEventInput {
  const id = randomUUID();
  const data: WebhookEndpointDisabledDataV1 = { partnerId: endpoint.partner_id, endpointId: endpoint.id, url: endpoint.url, failingSince: failingSince.toISOString(), reason };
  const event = { specversion: '1.0', id, source: 'kuruma/partner-webhooks', type: WEBHOOK_ENDPOINT_DISABLED, subject: endpoint.id, time: new Date().toISOString(), datacontenttype: 'application/json', data };
  return { source: event.source, eventId: id, partnerId: endpoint.partner_id, type: WEBHOOK_ENDPOINT_DISABLED, orderingKey: `endpoint:${endpoint.id}`, body: JSON.stringify(event) };
}
