import type { MqttClient } from 'mqtt';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { DeadLetterHeaders, PartnerTopics, Topics } from '@kuruma/contracts';
import { asMessage, bookingEvent, jstMinutesFromNow, newBooking, type BookingScenario } from '../booking-events';
import { DeviceGateways } from '../devices';
import { kafkaClientAs, KafkaProbe } from '../kafka-probe';
import type { AppName, PlatformProcesses } from '../platform-processes';
import { publishAlert } from '../publish-alert';
import { Random } from '../random';
import { ADMIN_KAFKA_AUTH, TEST_ENV, testTopic } from '../test-env';
import { waitUntil } from '../wait-until';
import { ledgerVerdict, type Outcome, type ChaosReport } from './ledger';
import type { BrokerFaultKind } from './broker-faults';
import { instanceNames, killInstances, killTargets } from './instance-kills';
import { checkPremiumLedger, premiumLedgerBreaches } from './premium-ledger';
import { injectStaleTariffExtension, staleTariffVerdict } from './stale-tariff';
import { WebhookChaosCase } from './webhook-case';

export interface ChaosOptions {
  bookings: number;
  coveredAlerts: number;
  uncoveredAlerts: number;
  /** Milliseconds of traffic; faults are injected throughout. */
  durationMs: number;
  /** One fault every this many milliseconds. */
  faultEveryMs: number;
  /** Faults to draw from. */
  faults: FaultKind[];
  seed: number;
  log: (msg: string) => void;
  /** How long each of the webhook receiver's fault windows (down, slow, 500, 410) and the normal windows between them last. */
  webhookWindowMs?: number;
  /** Extra fault actions the CLI provides (broker restarts and kills need the local stack's paths). */
  infraFaults?: Partial<Record<InfraFaultKind, () => Promise<void>>>;
  /** Instances of each service the platform runs (PlatformProcesses names the k-th `<app>#k`); kills hit one or all (killTargets). Default 1. */
  instances?: number;
  /** Before the run settles: bring back infrastructure a fault that failed half-way left down (a cluster node). */
  settleInfra?: () => Promise<void>;
}

export type InfraFaultKind = 'mosquitto-restart' | 'redis-pause' | BrokerFaultKind;
export type FaultKind = 'kill' | 'postgres-cut' | 'rebalance' | InfraFaultKind;

type Final = 'bound' | 'cancelled' | 'ended';

/**
 * Drives bookings and device alerts with unique business keys while faults hit the platform, then
 * waits for it to settle and checks the ledger against Postgres and the output topics.
 */
export async function runChaos(platform: PlatformProcesses, o: ChaosOptions): Promise<ChaosReport> {
  // Seeded, so a seed replays the same scenario.
  const random = new Random(o.seed);
  const rnd = () => random.next();
  const pick = <T>(xs: readonly T[]): T => random.pick(xs);
  const probe = new KafkaProbe();
  const db = new pg.Pool({ connectionString: TEST_ENV['DATABASE_URL'], max: 4 });
  const bookingTopic = testTopic(PartnerTopics.bookingEvents('demo'));
  const policyTopic = testTopic(Topics.policyEvents);
  const claimTopic = testTopic(Topics.claimEvents);
  const dlqTopic = testTopic(Topics.bookingEventsDlq);
  const pricedDlqTopic = testTopic(Topics.bookingPricedDlq);
  await probe.observe([policyTopic, claimTopic, dlqTopic, pricedDlqTopic]);
  // The demo partner's webhook endpoint, on a receiver that misbehaves on a schedule (issue #18).
  const webhooks = new WebhookChaosCase({ partnerId: 'demo', windowMs: o.webhookWindowMs ?? 10_000, log: o.log });
  await webhooks.register();
  webhooks.start();
  // Records that fail deterministically in policy (see stale-tariff.ts): one in a short run, three in a full one.
  const staleTariffAt = new Set(o.bookings >= 1_000 ? [0.25, 0.5, 0.75].map((f) => Math.floor(o.bookings * f)) : [Math.floor(o.bookings / 2)]);
  const staleTariffCases: Promise<string | null>[] = [];

  const bookingOutcomes = new Map<string, { final: Final; outcome: Outcome }>();
  const alertOutcomes = new Map<string, { vehicleId: string; covered: boolean; outcome: Outcome }>();
  const kills: Record<string, number> = {};
  const faults: Record<string, number> = {};
  const poison = new Map<string, Outcome>();
  let lastFaultAt = Date.now();
  const started = Date.now();

  // Vehicles with devices: covered ones get a policy first (their booking is part of the ledger too).
  o.log(`registering ${o.coveredAlerts + o.uncoveredAlerts} devices`);
  // Devices reconnect on their own (like real gateways) when the broker restarts.
  const gateways = new DeviceGateways('chaos-gw', { reconnectPeriod: 500, clean: false });
  const devices: { deviceId: string; vehicleId: string; covered: boolean; client: MqttClient }[] = [];
  const coverBookings: BookingScenario[] = [];
  for (let i = 0; i < o.coveredAlerts + o.uncoveredAlerts; i++) {
    const covered = i < o.coveredAlerts;
    const b = newBooking({ startsAt: jstMinutesFromNow(0), endsAt: jstMinutesFromNow(24 * 60) });
    if (covered) coverBookings.push(b);
    const creds = await gateways.register(b.vehicleId);
    devices.push({ deviceId: creds.deviceId, vehicleId: b.vehicleId, covered, client: await gateways.connect(creds) });
  }
  for (const b of coverBookings) {
    await probe.produce(bookingTopic, [asMessage(bookingEvent(b, 'com.kurumacover.booking.created', 1)), asMessage(bookingEvent(b, 'com.kurumacover.booking.confirmed', 2)), asMessage(bookingEvent(b, 'com.kurumacover.booking.started', 3))]);
    bookingOutcomes.set(b.bookingId, { final: 'bound', outcome: 'ok' });
  }
  const coverBound = async () => (await db.query("SELECT count(*)::int AS n FROM policy WHERE booking_id = ANY($1) AND status IN ('bound','active')", [coverBookings.map((b) => b.bookingId)])).rows[0].n === coverBookings.length;
  // 150 bindings take seconds on a quiet machine; at a load average of 40 (2026-12-01 23:00) they took over a minute.
  if (!(await waitUntil(coverBound, 300_000, 250))) throw new Error('cover bookings not bound within 300000 ms');
  await new Promise((r) => setTimeout(r, 1_500)); // the cover index follows the policy events

  // Faults run on their own timer while traffic flows.
  let faulting = true;
  let injected = 0;
  let killIndex = 0;
  const instances = o.instances ?? 1;
  const killsOf: Record<string, number> = {};
  const faultLoop = (async () => {
    let n = 0;
    while (faulting) {
      await new Promise((r) => setTimeout(r, o.faultEveryMs));
      if (!faulting) break;
      const kind = o.faults[n++ % o.faults.length] as FaultKind;
      let what: string = kind;
      try {
        if (kind === 'kill') {
          const app = CHAOS_SERVICES[killIndex++ % CHAOS_SERVICES.length] as AppName;
          const targets = killTargets(app, instances, (killsOf[app] = (killsOf[app] ?? -1) + 1));
          for (const name of targets) kills[name] = (kills[name] ?? 0) + 1;
          what = `kill ${targets.join(' + ')}`;
          // A supervisor restarts a crashed service; leave it down for a random moment first.
          await killInstances(platform, targets, Math.floor(rnd() * 1_500));
        } else if (kind === 'postgres-cut') {
          await db.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
        } else if (kind === 'rebalance') {
          // A rebalance storm: two more policy consumers join the group and leave again (1 -> 3 -> 1).
          await platform.startExtra('policy', 'policy-2');
          await platform.startExtra('policy', 'policy-3');
          await new Promise((r) => setTimeout(r, 3_000));
          await platform.stopExtra('policy-3');
          await platform.stopExtra('policy-2');
        } else if (kind === 'mosquitto-restart' && (faults[kind] ?? 0) % 2 === 1) {
          // Every other broker restart happens while the subscriber is offline: claims-trigger is
          // killed first and comes back after the broker. Alerts queued for its persistent sessions
          // must survive the restart; gateways republish what the broker answered 0x10 for.
          const subscribers = instanceNames('claims-trigger', instances);
          await Promise.all(subscribers.map((name) => platform.killByName(name)));
          for (const name of subscribers) kills[name] = (kills[name] ?? 0) + 1;
          await o.infraFaults?.['mosquitto-restart']?.();
          await new Promise((r) => setTimeout(r, Math.floor(rnd() * 1_500)));
          await Promise.all(subscribers.map((name) => platform.restartByName(name)));
        } else {
          await o.infraFaults?.[kind]?.();
        }
        faults[kind] = (faults[kind] ?? 0) + 1;
        lastFaultAt = Date.now();
        o.log(`fault: ${what}`);
      } catch (error) {
        o.log(`fault ${kind} failed to inject: ${(error as Error).message}`);
      }
      injected++;
    }
  })();

  // Traffic: bookings with duplicates, reordering and poison; alerts with DUP resends. It keeps
  // flowing past the planned count until every fault of the list has hit at least once.
  const perBookingMs = o.durationMs / Math.max(1, o.bookings);
  let alertIndex = 0;
  for (let i = 0; i < o.bookings || injected < o.faults.length; i++) {
    const final: Final = pick(['bound', 'cancelled', 'ended'] as const);
    const b = newBooking(final === 'ended' ? { startsAt: jstMinutesFromNow(0), endsAt: jstMinutesFromNow(180) } : {});
    const events = [bookingEvent(b, 'com.kurumacover.booking.created', 1), bookingEvent(b, 'com.kurumacover.booking.confirmed', 2)];
    if (final === 'cancelled') events.push(bookingEvent(b, 'com.kurumacover.booking.cancelled', 3));
    if (final === 'ended') events.push(bookingEvent(b, 'com.kurumacover.booking.started', 3), bookingEvent(b, 'com.kurumacover.booking.ended', 4, { endedAt: jstMinutesFromNow(60) }));
    // Every event 2-5 times; a quarter of the bookings arrive out of order.
    const sends = events.flatMap((e) => Array.from({ length: 2 + Math.floor(rnd() * 4) }, () => asMessage(e)));
    if (rnd() < 0.25) sends.sort(() => rnd() - 0.5);
    let outcome: Outcome = 'ok';
    try {
      await withTimeout(probe.produce(bookingTopic, sends), 15_000);
    } catch {
      outcome = 'indeterminate';
    }
    bookingOutcomes.set(b.bookingId, { final, outcome });

    if (staleTariffAt.has(i)) {
      staleTariffCases.push(
        injectStaleTariffExtension(probe, db, bookingTopic).catch((error: Error) => {
          o.log(`stale-tariff case failed to inject: ${error.message}`);
          return null;
        }),
      );
    }
    if (rnd() < 0.05) {
      // A send that timed out may still have been written (like an indeterminate booking).
      const key = `${b.bookingId}-poison`;
      poison.set(key, await injectPoison(probe, bookingTopic, pick(['bad-json', 'schema', 'huge'] as const), key));
    }
    while (alertIndex < devices.length && alertIndex / devices.length <= i / o.bookings) {
      const d = devices[alertIndex++];
      if (!d) break;
      const eventId = randomUUID();
      const payload = JSON.stringify({ eventId, occurredAt: new Date().toISOString(), peakG: 2.8 });
      let alertOutcome: Outcome = 'ok';
      try {
        // As the device contract asks: QoS 1, republished while the broker answers 0x10.
        await withTimeout(publishAlert(d.client, `devices/${d.deviceId}/crash`, payload), 30_000);
        // The gateway did not see the PUBACK in time and resends with the DUP flag.
        await withTimeout(publishAlert(d.client, `devices/${d.deviceId}/crash`, payload, { dup: true }), 30_000);
      } catch {
        alertOutcome = 'indeterminate';
      }
      alertOutcomes.set(eventId, { vehicleId: d.vehicleId, covered: d.covered, outcome: alertOutcome });
    }
    await new Promise((r) => setTimeout(r, perBookingMs));
  }
  faulting = false;
  await faultLoop;
  const staleTariffBookings = (await Promise.all(staleTariffCases)).filter((id): id is string => id !== null);
  const trafficEnded = Date.now();
  await webhooks.stopMisbehaving();
  o.log('traffic done; waiting for the platform to settle');

  // Settle: every service ready and every consumer group's lag back to 0.
  await o.settleInfra?.();
  await Promise.all(CHAOS_SERVICES.map((app) => platform.ensureRunning(app)));
  await platform.ensureExtrasRunning();
  const lagZeroAt = await waitForZeroLag(TEST_ENV['KAFKA_GROUP_PREFIX'], 180_000);
  // The MQTT side has no lag to read: wait until every alert has its effect, or nothing moved for 15 s.
  const alertIds = [...alertOutcomes.keys()];
  const effects = async () =>
    Number((await db.query('SELECT (SELECT count(*) FROM claim_signal WHERE event_id = ANY($1)) + (SELECT count(*) FROM incident WHERE event_id = ANY($1)) AS n', [alertIds])).rows[0].n);
  let seen = await effects();
  let stableSince = Date.now();
  while (seen < alertIds.length && Date.now() - stableSince < 15_000 && Date.now() - trafficEnded < 180_000) {
    await new Promise((r) => setTimeout(r, 1_000));
    const now = await effects();
    if (now !== seen) stableSince = Date.now();
    seen = now;
  }
  await new Promise((r) => setTimeout(r, 3_000)); // outbox relays publish the last rows
  // Everything written to the observed topics until now, whatever the observer went through. If it
  // cannot catch up, the ledger below reports what it misses; the run still writes its report.
  const observerBehind: string[] = [];
  const observer = await probe.complete(120_000).catch((error: Error) => {
    observerBehind.push(`observer: ${error.message}`);
    return { observedBefore: probe.records.length, partitionsBehind: -1 };
  });

  const report = await ledgerVerdict({
    db,
    records: probe.records,
    policyTopic,
    claimTopic,
    dlqTopic,
    reasonHeader: DeadLetterHeaders.reason,
    bookings: bookingOutcomes,
    alerts: alertOutcomes,
    poison,
  });
  report.deterministicFailures = await staleTariffVerdict(db, probe.records, pricedDlqTopic, staleTariffBookings, Number(TEST_ENV['CONSUMER_MAX_ATTEMPTS'] ?? 5), report.violations);
  if (staleTariffBookings.length < staleTariffAt.size) report.violations.push(`stale-tariff cases: ${staleTariffBookings.length} of ${staleTariffAt.size} injected`);
  report.violations.push(...observerBehind);
  o.log('waiting for the webhook receiver to get every event');
  report.webhooks = await webhooks.settle(probe.records, [policyTopic, claimTopic], trafficEnded, report.violations);
  // Issue #19: under the same kills and redeliveries, no money entry lost or posted twice.
  report.premiumLedger = await checkPremiumLedger(db, { limit: 50 });
  if (report.premiumLedger.differences > 0) report.violations.push(`premium ledger: ${premiumLedgerBreaches(report.premiumLedger).join('; ')}`);
  report.observer = { records: probe.records.length, observedBeforeSettle: observer.observedBefore, partitionsBehindAtSettle: observer.partitionsBehind, restarts: probe.restarts };
  report.kills = kills;
  report.faults = faults;
  report.durationSeconds = Math.round((trafficEnded - started) / 1000);
  report.recoverySeconds = lagZeroAt ? Math.round(((lagZeroAt - lastFaultAt) / 1000) * 10) / 10 : null;
  await gateways.end(true);
  await webhooks.close();
  await probe.close();
  await db.end();
  return report;
}

/** Sends one poison record keyed `key` (unique per record: the dead-letter check counts by it). */
async function injectPoison(probe: KafkaProbe, topic: string, kind: 'bad-json' | 'schema' | 'huge', key: string): Promise<Outcome> {
  const value =
    kind === 'bad-json'
      ? '{"specversion": "1.0", "id": '
      : kind === 'huge'
        ? JSON.stringify({ specversion: '1.0', id: `huge-${key}`, padding: 'x'.repeat(5 * 1024 * 1024) })
        : JSON.stringify({ ...bookingEvent(newBooking({ bookingId: key }), 'com.kurumacover.booking.created', 1), type: 'booking.teleported' });
  try {
    await withTimeout(probe.produce(topic, [{ key, value }]), 15_000);
    return 'ok';
  } catch {
    return 'indeterminate';
  }
}

/** The services a fault-injection run starts and kills (tools/chaos.ts, test/e2e/chaos.e2e-spec.ts). */
export const CHAOS_SERVICES = ['booking-ingest', 'pricing', 'policy', 'claims-trigger', 'partner-webhooks'] as const;

/**
 * What a fault-injection run's services get on top of the test environment: a webhook retry
 * schedule long enough (about three minutes of attempts) that a delivery outlasts a receiver's
 * fault window plus a deliverer killed meanwhile, instead of the tests' 19 s.
 */
export const CHAOS_SERVICE_ENV: Record<string, string> = {
  WEBHOOK_RETRY_SCHEDULE_MS: [250, 500, 1_000, 2_000, 3_000, ...Array.from({ length: 35 }, () => 5_000)].join(','),
};

/** When every consumer group of the services a run starts (CHAOS_SERVICES unless told) is back to lag 0, or null after `timeoutMs`. */
export async function waitForZeroLag(groupPrefix: string, timeoutMs: number, services: readonly string[] = CHAOS_SERVICES): Promise<number | null> {
  // The admin: consumer groups and offsets of every service.
  const admin = kafkaClientAs(ADMIN_KAFKA_AUTH, 'chaos-lag').admin();
  await admin.connect();
  const deadline = Date.now() + timeoutMs;
  try {
    while (Date.now() < deadline) {
      // The groups of the services the run starts only: not the console's (it never commits),
      // partners' readers (partner.<id>.*) or services an earlier test left behind (partner-webhooks).
      const groups = (await admin.listGroups()).groups
        .map((g) => g.groupId)
        .filter((g) => services.some((service) => g === `${groupPrefix}.${service}` || g.startsWith(`${groupPrefix}.${service}.`)));
      let lag = 0;
      for (const groupId of groups) {
        for (const { topic, partitions } of await admin.fetchOffsets({ groupId })) {
          const ends = await admin.fetchTopicOffsets(topic);
          for (const p of partitions) {
            const end = Number(ends.find((e) => e.partition === p.partition)?.offset ?? 0);
            lag += Math.max(0, end - Math.max(0, Number(p.offset)));
          }
        }
      }
      if (lag === 0) return Date.now();
      await new Promise((r) => setTimeout(r, 500));
    }
    return null;
  } finally {
    await admin.disconnect();
  }
}

/** `p`, or a rejection once `ms` pass (the sender then does not know the outcome). */
export function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms))]);
}
