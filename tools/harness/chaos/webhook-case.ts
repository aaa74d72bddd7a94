import { CLAIM_EVENT_TYPES, POLICY_EVENT_TYPES } from '@kuruma/contracts';
import type { ObservedRecord } from '../kafka-probe';
import { DEMO_API_KEY, TEST_ENV } from '../test-env';
import { waitUntil } from '../wait-until';
import { type WebhookVerdict, webhookVerdict, type TopicEvent } from './webhook-ledger';
import { misbehaveOnSchedule, MisbehavingReceiver, type ReceiverMode } from './webhook-receiver';

/** Every policy and claim event type: what the chaos partner's endpoint subscribes to. */
const SUBSCRIBED: string[] = [...POLICY_EVENT_TYPES, ...CLAIM_EVENT_TYPES];

interface EndpointView {
  id: string;
  secret?: string;
  enabled: boolean;
  failingSince: string | null;
  createdAt: string;
}

/**
 * The webhook case of the chaos run (issue #18): the demo partner registers an endpoint on a local
 * receiver that misbehaves on a schedule (down, slow beyond the attempt timeout, 500, 410) while
 * partner-webhooks is killed like the other services. Afterwards the receiver answers normally; if
 * the service disabled the endpoint meanwhile, the case does what a partner would (re-enable it and
 * replay since it started failing), then waits until every event was accepted or nothing moves.
 */
export class WebhookChaosCase {
  private readonly receiver: MisbehavingReceiver;
  private readonly api = `http://127.0.0.1:${TEST_ENV['PARTNER_WEBHOOKS_PORT']}/v1/webhook-endpoints`;
  private endpoint?: EndpointView;
  private schedule?: Promise<Record<ReceiverMode, number>>;
  private running = false;
  private windows: Record<ReceiverMode, number> = { ok: 0, down: 0, slow: 0, 'error-500': 0, 'gone-410': 0 };

  constructor(private readonly o: { partnerId: string; windowMs: number; log: (msg: string) => void }) {
    // A slow answer comes a second and a half after the sender has given up.
    this.receiver = new MisbehavingReceiver(Number(TEST_ENV['WEBHOOK_TIMEOUT_MS'] ?? 10_000) + 1_500);
  }

  async register(): Promise<void> {
    await this.receiver.setMode('ok');
    this.endpoint = await this.call<EndpointView>('POST', '', { url: this.receiver.url, eventTypes: SUBSCRIBED }, 201);
    this.receiver.useSecret(this.endpoint.secret ?? '');
  }

  start(): void {
    this.running = true;
    this.schedule = misbehaveOnSchedule(this.receiver, this.o.windowMs, () => this.running, this.o.log);
  }

  /** From now on the receiver answers as it should. */
  async stopMisbehaving(): Promise<void> {
    this.running = false;
    this.windows = (await this.schedule) ?? this.windows;
  }

  /**
   * Recovers a disabled endpoint as a partner would, and waits until every
   * expected event (of `records`, once they are complete) has been accepted, or for `quietMs` no
   * new one was, or `timeoutMs` passed. Then gives the verdict.
   */
  async settle(records: readonly ObservedRecord[], topics: string[], trafficEnded: number, violations: string[], quietMs = 30_000, timeoutMs = 300_000): Promise<WebhookVerdict> {
    await this.stopMisbehaving();
    const windows = this.windows;
    const endpoint = this.endpoint;
    if (!endpoint) throw new Error('the webhook endpoint was never registered');
    const expected = expectedEvents(records, topics, this.o.partnerId, new Date(endpoint.createdAt));
    let reenabled = false;
    let replayed = 0;
    const now = await this.call<EndpointView>('GET', `/${endpoint.id}`);
    if (!now.enabled) {
      // Events that arrived while it was disabled were not queued for it: replay them.
      this.o.log('webhook endpoint was disabled; re-enabling it and replaying');
      await this.call('PATCH', `/${endpoint.id}`, { enabled: true });
      reenabled = true;
      const since = now.failingSince ?? endpoint.createdAt;
      replayed = (await this.call<{ replayed: number }>('POST', `/${endpoint.id}/replay`, { since }, 202)).replayed;
    }

    const accepted = () => new Set(this.receiver.receipts.filter((r) => r.accepted).map((r) => r.eventId));
    const remaining = () => {
      const got = accepted();
      return expected.filter((e) => !got.has(e.id)).length;
    };
    let settledAt: number | null = null;
    let last = remaining();
    let movedAt = Date.now();
    const deadline = Date.now() + timeoutMs;
    await waitUntil(
      () => {
        const left = remaining();
        if (left !== last) [last, movedAt] = [left, Date.now()];
        if (left === 0) settledAt = Date.now();
        return left === 0 || Date.now() - movedAt > quietMs || Date.now() > deadline;
      },
      timeoutMs + quietMs,
      250,
    );
    return webhookVerdict({
      expected,
      receipts: this.receiver.receipts,
      windows,
      reenabled,
      replayed,
      settledSeconds: settledAt === null ? null : Math.round((settledAt - trafficEnded) / 100) / 10,
      violations,
    });
  }

  async close(): Promise<void> {
    this.running = false;
    await this.schedule;
    await this.receiver.close();
  }

  /** The partner API, retried while partner-webhooks is down (it is killed like the others). */
  private async call<T = unknown>(method: string, path: string, body?: unknown, expect = 200): Promise<T> {
    let last = '';
    for (let attempt = 0; attempt < 60; attempt++) {
      try {
        const res = await fetch(`${this.api}${path}`, {
          method,
          headers: { 'x-api-key': DEMO_API_KEY, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        if (res.status === expect) return (await res.json()) as T;
        last = `${res.status} ${await res.text()}`;
        if (res.status < 500) break;
      } catch (error) {
        last = (error as Error).message;
      }
      await new Promise((r) => setTimeout(r, 1_000));
    }
    throw new Error(`${method} ${this.api}${path}: ${last}`);
  }
}

/** The partner's subscribed events on the topics from `since` on, each once, in topic order. */
function expectedEvents(records: readonly ObservedRecord[], topics: string[], partnerId: string, since: Date): TopicEvent[] {
  const seen = new Set<string>();
  const out: TopicEvent[] = [];
  for (const r of records) {
    if (!topics.includes(r.topic)) continue;
    const e = r.json<{ id: string; type: string; time?: string; data: { partnerId?: string | null; bookingId?: string | null; vehicleId?: string } }>();
    if (seen.has(e.id) || e.data.partnerId !== partnerId || !SUBSCRIBED.includes(e.type) || (e.time && new Date(e.time) < since)) continue;
    seen.add(e.id);
    out.push({ topic: r.topic, id: e.id, partnerId: e.data.partnerId ?? null, orderingKey: e.data.bookingId ? `booking:${e.data.bookingId}` : `vehicle:${e.data.vehicleId ?? ''}` });
  }
  return out;
}
