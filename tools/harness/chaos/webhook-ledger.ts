import type { ReceiverMode, WebhookReceipt } from './webhook-receiver';

/** The webhook side of the chaos report (docs/reliability.md, promise 10). */
export interface WebhookVerdict {
  /** Policy and claim events of the partner on the public topics, subscribed, from registration on. */
  expected: number;
  /** Of those, accepted (2xx on an open connection) at least once. */
  delivered: number;
  missing: number;
  /** Accepted copies beyond the first of an event (always under its own webhook-id). */
  duplicated: number;
  /** Requests by how the receiver was behaving; `down` ones never reached it (connection refused). */
  requests: number;
  requestsByMode: Partial<Record<ReceiverMode, number>>;
  badSignatures: number;
  /** Requests whose webhook-id is not the CloudEvent id of their body. */
  idMismatches: number;
  /** Accepted events the partner should not have got (not its own, or never on the topics). */
  unexpected: number;
  /** Bookings (or vehicles) whose events were first accepted in another order than the topic's. */
  outOfOrder: number;
  /** Fault windows the receiver went through, by kind. */
  windows: Record<ReceiverMode, number>;
  /** Whether the endpoint had to be re-enabled and its events replayed (the service disabled it). */
  reenabled: boolean;
  replayed: number;
  /** From the end of traffic until the last expected event was accepted (null: some never were). */
  settledSeconds: number | null;
}

/** One event of the topics as the ledger needs it, in the order of its topic. */
export interface TopicEvent {
  topic: string;
  id: string;
  partnerId: string | null;
  orderingKey: string;
}

/**
 * Checks the receiver's log against the events on the topics: every expected event accepted at
 * least once, each request correctly signed and carrying its event's id as webhook-id, nothing
 * of another partner, and per booking (within one topic: the deliverer orders by consumption,
 * which only a topic's own order fixes) the first acceptances in the topic's order.
 */
export function webhookVerdict(input: {
  expected: TopicEvent[];
  receipts: readonly WebhookReceipt[];
  windows: Record<ReceiverMode, number>;
  reenabled: boolean;
  replayed: number;
  settledSeconds: number | null;
  violations: string[];
}): WebhookVerdict {
  const { expected, receipts, violations } = input;
  const expectedIds = new Set(expected.map((e) => e.id));
  const acceptedCount = new Map<string, number>();
  const firstAccepted = new Map<string, number>();
  const requestsByMode: Partial<Record<ReceiverMode, number>> = {};
  let badSignatures = 0;
  let idMismatches = 0;
  let unexpected = 0;
  receipts.forEach((r, index) => {
    requestsByMode[r.mode] = (requestsByMode[r.mode] ?? 0) + 1;
    if (!r.signatureValid) {
      badSignatures++;
      violations.push(`webhook ${r.webhookId}: signature does not verify`);
    }
    if (r.webhookId !== r.eventId) {
      idMismatches++;
      violations.push(`webhook ${r.webhookId}: carries event ${r.eventId}`);
    }
    if (!r.accepted) return;
    if (!expectedIds.has(r.eventId) && !acceptedCount.has(r.eventId)) {
      unexpected++;
      violations.push(`webhook ${r.eventId} (${r.type}, partner ${r.partnerId}): not an expected event of this partner`);
    }
    acceptedCount.set(r.eventId, (acceptedCount.get(r.eventId) ?? 0) + 1);
    if (!firstAccepted.has(r.eventId)) firstAccepted.set(r.eventId, index);
  });

  let missing = 0;
  for (const e of expected) {
    if (acceptedCount.has(e.id)) continue;
    missing++;
    violations.push(`webhook: event ${e.id} (${e.orderingKey}) never accepted by the receiver`);
  }

  // Per topic and booking: the events in topic order must have been first accepted in that order.
  const sequences = new Map<string, TopicEvent[]>();
  for (const e of expected) sequences.set(`${e.topic}|${e.orderingKey}`, [...(sequences.get(`${e.topic}|${e.orderingKey}`) ?? []), e]);
  let outOfOrder = 0;
  for (const [key, events] of sequences) {
    const firsts = events.map((e) => firstAccepted.get(e.id)).filter((i): i is number => i !== undefined);
    if (firsts.some((at, i) => i > 0 && at < (firsts[i - 1] as number))) {
      outOfOrder++;
      violations.push(`webhook: ${key.split('|')[1]} delivered out of the order of ${key.split('|')[0]}`);
    }
  }

  const delivered = expected.filter((e) => acceptedCount.has(e.id)).length;
  const duplicated = [...acceptedCount.values()].reduce((n, c) => n + c - 1, 0);
  return {
    expected: expected.length,
    delivered,
    missing,
    duplicated,
    requests: receipts.length,
    requestsByMode,
    badSignatures,
    idMismatches,
    unexpected,
    outOfOrder,
    windows: input.windows,
    reenabled: input.reenabled,
    replayed: input.replayed,
    settledSeconds: input.settledSeconds,
  };
}
