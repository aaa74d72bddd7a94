import type pg from 'pg';
import { deadLetterVerdict, type DeadLetterReport } from './dead-letters';
import type { PremiumLedgerReport } from './premium-ledger';
import type { StaleTariffVerdict } from './stale-tariff';
import type { WebhookVerdict } from './webhook-ledger';

/** What the sender knows of an operation: acknowledged, refused, or unknown (timed out). */
export type Outcome = 'ok' | 'failed' | 'indeterminate';

export interface ChaosReport {
  operations: { bookings: Record<Outcome, number>; alerts: Record<Outcome, number> };
  policies: { expected: number; found: number; lost: number; duplicated: number; wrongState: number; missingBoundEvent: number };
  policyTopic: { records: number; distinctEvents: number; redeliveredCopies: number; conflicting: number };
  claims: { alerts: number; claims: number; incidents: number; lost: number; duplicated: number };
  deadLetters: DeadLetterReport;
  /** Records that passed validation but failed in their handler every time (dead-lettered after the attempt limit). */
  deterministicFailures?: StaleTariffVerdict;
  /** Deliveries to the demo partner's misbehaving webhook receiver (issue #18). */
  webhooks?: WebhookVerdict;
  /** The premium ledger after the run (issue #19): balanced, every money event posted once. */
  premiumLedger?: PremiumLedgerReport;
  /** The run's Kafka observer: records held, how many it had live, and how often its consumer was restarted. */
  observer?: { records: number; observedBeforeSettle: number; partitionsBehindAtSettle: number; restarts: number };
  kills: Record<string, number>;
  faults: Record<string, number>;
  durationSeconds: number;
  /** From the last fault until every consumer group's lag was 0 (services ready before that). */
  recoverySeconds: number | null;
  /** Human-readable breaches; empty when every promise held. */
  violations: string[];
  /** How the CLI ran it: Kafka nodes, instances of each service, rounds of faults, seed. */
  setup?: { kafkaBrokers: number; instances: number; rounds: number; seed: number };
  /** The run's log of faults and their steps, with times (ISO). */
  events?: string[];
}

interface ObservedRecord {
  topic: string;
  key: string | null;
  headers: Record<string, string>;
  json<T>(): T;
}

export interface LedgerInput {
  db: pg.Pool;
  records: ObservedRecord[];
  policyTopic: string;
  claimTopic: string;
  dlqTopic: string;
  reasonHeader: string;
  bookings: Map<string, { final: 'bound' | 'cancelled' | 'ended'; outcome: Outcome }>;
  alerts: Map<string, { vehicleId: string; covered: boolean; outcome: Outcome }>;
  /** Every poison record sent, by key, with what its send answered ('indeterminate': timed out, may or may not have been written). */
  poison: Map<string, Outcome>;
}

const tally = (outcomes: Outcome[]): Record<Outcome, number> => ({
  ok: outcomes.filter((o) => o === 'ok').length,
  failed: outcomes.filter((o) => o === 'failed').length,
  indeterminate: outcomes.filter((o) => o === 'indeterminate').length,
});

/**
 * The ledger check. Bookings: an acknowledged booking has exactly one policy in the state its last
 * event implies and its com.kurumacover.policy.bound on the public topic; an indeterminate one at most one policy;
 * a failed one none. Alerts: an acknowledged alert is exactly one claim signal (covered) or one
 * incident (uncovered), and each vehicle has at most one claim. Topic copies of the same
 * CloudEvent id are redeliveries that consumers de-duplicate by id (reported, not violations).
 */
export async function ledgerVerdict(input: LedgerInput): Promise<ChaosReport> {
  const violations: string[] = [];
  const bookingIds = [...input.bookings.keys()];
  const rows = (await input.db.query<{ booking_id: string; status: string }>('SELECT booking_id, status FROM policy WHERE booking_id = ANY($1)', [bookingIds])).rows;
  const policiesByBooking = new Map<string, string[]>();
  for (const r of rows) policiesByBooking.set(r.booking_id, [...(policiesByBooking.get(r.booking_id) ?? []), r.status]);

  const policyEvents = input.records.filter((r) => r.topic === input.policyTopic).map((r) => r.json<{ id: string; type: string; data: { bookingId: string; status: string } }>());
  const distinct = new Map<string, (typeof policyEvents)[number]>();
  for (const e of policyEvents) distinct.set(e.id, e);
  const boundEvents = new Map<string, number>();
  for (const e of distinct.values()) if (e.type === 'com.kurumacover.policy.bound') boundEvents.set(e.data.bookingId, (boundEvents.get(e.data.bookingId) ?? 0) + 1);

  let lost = 0;
  let duplicated = 0;
  let wrongState = 0;
  let missingBoundEvent = 0;
  let conflicting = 0;
  for (const [bookingId, { final, outcome }] of input.bookings) {
    const found = policiesByBooking.get(bookingId) ?? [];
    if (found.length > 1) {
      duplicated++;
      violations.push(`booking ${bookingId}: ${found.length} policies`);
    }
    if (outcome === 'ok' && found.length === 0) {
      lost++;
      violations.push(`booking ${bookingId}: acknowledged, no policy`);
    }
    if (outcome === 'failed' && found.length > 0) violations.push(`booking ${bookingId}: refused, yet a policy exists`);
    const expected = final === 'bound' ? ['bound', 'active'] : [final];
    if (outcome === 'ok' && found.length === 1 && !expected.includes(found[0] ?? '')) {
      wrongState++;
      violations.push(`booking ${bookingId}: policy ${found[0]}, expected ${final}`);
    }
    if (outcome === 'ok' && found.length === 1 && !boundEvents.has(bookingId)) {
      missingBoundEvent++;
      violations.push(`booking ${bookingId}: no com.kurumacover.policy.bound on the public topic`);
    }
    if ((boundEvents.get(bookingId) ?? 0) > 1) {
      conflicting++;
      violations.push(`booking ${bookingId}: ${boundEvents.get(bookingId)} distinct com.kurumacover.policy.bound events`);
    }
  }

  // Alerts: signals and incidents are unique on (device, event id), so count by event id.
  const eventIds = [...input.alerts.keys()];
  const signals = (await input.db.query<{ event_id: string; vehicle_id: string; claim_id: string }>('SELECT s.event_id, c.vehicle_id, s.claim_id FROM claim_signal s JOIN claim c ON c.id = s.claim_id WHERE s.event_id = ANY($1)', [eventIds])).rows;
  const incidents = (await input.db.query<{ event_id: string }>('SELECT event_id FROM incident WHERE event_id = ANY($1)', [eventIds])).rows;
  const vehicles = [...new Set([...input.alerts.values()].map((a) => a.vehicleId))];
  const claimsPerVehicle = (await input.db.query<{ vehicle_id: string; n: number }>('SELECT vehicle_id, count(*)::int AS n FROM claim WHERE vehicle_id = ANY($1) GROUP BY 1', [vehicles])).rows;
  let claimsLost = 0;
  let claimsDuplicated = 0;
  for (const [eventId, a] of input.alerts) {
    const effects = signals.filter((s) => s.event_id === eventId).length + incidents.filter((i) => i.event_id === eventId).length;
    if (effects > 1) {
      claimsDuplicated++;
      violations.push(`alert ${eventId}: ${effects} effects`);
    }
    if (a.outcome === 'ok' && effects === 0) {
      claimsLost++;
      violations.push(`alert ${eventId} (vehicle ${a.vehicleId}, ${a.covered ? "covered" : "uncovered"}): acknowledged, no claim or incident`);
    }
  }
  for (const c of claimsPerVehicle) {
    if (c.n > 1) {
      claimsDuplicated++;
      violations.push(`vehicle ${c.vehicle_id}: ${c.n} claims for one accident`);
    }
  }

  const deadLetters = deadLetterVerdict({ letters: input.records.filter((r) => r.topic === input.dlqTopic), poison: input.poison, reasonHeader: input.reasonHeader, violations });

  return {
    operations: { bookings: tally([...input.bookings.values()].map((b) => b.outcome)), alerts: tally([...input.alerts.values()].map((a) => a.outcome)) },
    policies: { expected: bookingIds.length, found: rows.length, lost, duplicated, wrongState, missingBoundEvent },
    policyTopic: { records: policyEvents.length, distinctEvents: distinct.size, redeliveredCopies: policyEvents.length - distinct.size, conflicting },
    claims: { alerts: eventIds.length, claims: claimsPerVehicle.reduce((n, c) => n + c.n, 0), incidents: incidents.length, lost: claimsLost, duplicated: claimsDuplicated },
    deadLetters,
    kills: {},
    faults: {},
    durationSeconds: 0,
    recoverySeconds: null,
    violations,
  };
}
