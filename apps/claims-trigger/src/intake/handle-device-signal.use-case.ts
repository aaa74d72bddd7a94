import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { crashAlertV1Schema, lockAlertV1Schema, toStorableText, type CrashAlertV1, type LockAlertV1 } from '@kuruma/contracts';
import { type ClaimSignal, ClaimsRepository, type NewClaim, dataErrorReason, type DatabaseTx, isDeterministicDataError, type PartnerVehicle, pipelined, type SituationQuery, type SqlTransactional, type VehicleSituation } from '@kuruma/data-access-db';
import { enqueueOutbox, type OutboxEntry, parseJsonMessage } from '@kuruma/data-access-messaging';
import {
  claimEventData,
  decideSignal,
  implausibleOccurredAt,
  isDamageClaim,
  openFnolClaim,
  triageCrash,
  triageLock,
  type Triage,
  type TriageThresholds,
  uncoveredIncidentData,
} from '@kuruma/domain-claims';
import type { JournalEntry } from '@kuruma/domain-ledger';
import { BusinessClock, type RateLimit, TokenBuckets } from '@kuruma/service-kit';
import { claimEvent, vehicleDamageRecord } from '../claims/claim-events';
import { claimLedgerEntries } from '../claims/claim-ledger';
import type { DamageFlags } from '../fraud-guard/damage-flags';
import type { DeviceDirectory } from '../devices/device-directory';
import { VehicleStateWriter } from '../telemetry/vehicle-state.writer';
import type { DeviceSignalDeadLetters } from './device-signal.dead-letters';
import { SignalTransactions } from './signal-transactions';

export type SignalOutcome = 'claim-opened' | 'signal-attached' | 'withdrawn' | 'uncovered' | 'security' | 'telemetry' | 'duplicate' | 'dead-letter' | 'ignored';

export interface SignalSettings {
  thresholds: TriageThresholds;
  accidentWindowMs: number;
  maxFutureSkewMs: number;
  maxLatenessMs: number;
  topic: (base: string) => string;
  producer: string;
  /**
   * Alerts each device may send to the claim transaction, per claims-trigger instance (a token
   * bucket per device id). Telemetry does not count: it never reaches a claim transaction.
   */
  alertRate?: RateLimit;
}

/**
 * One device message, start to finish, made durable before the caller acknowledges it: validate,
 * triage, correlate with the cover in force at `occurredAt`, and open or join one claim per accident.
 */
export class HandleDeviceSignalUseCase {
  private readonly claims = new ClaimsRepository();
  private readonly vehicleStates: VehicleStateWriter;
  private readonly transactions: SignalTransactions<Alert, SignalOutcome, Effects>;
  private readonly alertRates?: TokenBuckets;

  constructor(
    private readonly db: SqlTransactional,
    private readonly devices: DeviceDirectory,
    private readonly damageFlags: DamageFlags,
    private readonly deadLetters: DeviceSignalDeadLetters,
    private readonly settings: SignalSettings,
    private readonly logger: Logger,
    private readonly clock: BusinessClock = BusinessClock.real(),
  ) {
    this.vehicleStates = new VehicleStateWriter(db);
    if (settings.alertRate) this.alertRates = new TokenBuckets(settings.alertRate);
    this.transactions = new SignalTransactions(db, {
      locks: (vehicles) => this.claims.vehicleLocks(vehicles),
      effects: (): Effects => ({ outbox: [], damage: new Map(), ledger: [], situations: new Map(), opens: [] }),
      // The first alert of each vehicle in the batch finds its situation in one statement for all of
      // them; a later alert on the same vehicle reads its own in apply, after the earlier one's writes.
      read: async (tx, firsts, { situations }) => {
        const found = await this.claims.vehicleSituations(tx, firsts.map(situationQuery));
        firsts.forEach((a, i) => situations.set(a, found[i] as VehicleSituation));
      },
      apply: async (tx, alert, effects) => {
        const from = effects.outbox.length;
        const outcome = await this.apply(tx, alert, effects);
        // Each alert's events carry its own trace, whichever batch they were written in.
        if (alert.trace) for (const e of effects.outbox.slice(from)) e.headers = { ...e.headers, ...alert.trace };
        return outcome;
      },
      // Flags set before commit: a booking must never slip through between the claim and the flag.
      // So Redis is written while the claims are (not after them), and only once both are settled
      // do the outbox rows go, with the COMMIT behind them in the same round trip.
      finish: async (tx, effects) => {
        const { outbox, damage, ledger } = effects;
        await pipelined([this.damageFlags.setAll([...damage.values()]), this.writeOpenedClaims(tx, effects)]);
        const enqueued = enqueueOutbox(tx, settings.producer, outbox, { entries: ledger, businessNow: this.clock.now() });
        tx.$commitNow?.();
        await enqueued;
      },
    });
  }

  /**
   * `now` is business time: an alert's plausibility and its claim's opening are judged on it.
   * `trace` makes the trace headers of the events it publishes (the intake hop's span); it is
   * called only for an alert that goes to a claim transaction, so telemetry and refused messages,
   * which publish nothing, cost no span id (a span when spans are exported).
   */
  async execute(deviceId: string, channel: 'crash' | 'lock', payload: Buffer, now = this.clock.now(), trace?: () => Record<string, string>): Promise<SignalOutcome> {
    let alert: CrashAlertV1 | LockAlertV1;
    try {
      const parsed = parseJsonMessage(channel === 'crash' ? crashAlertV1Schema : lockAlertV1Schema, payload);
      if (!parsed.ok) return this.deadLetter(deviceId, channel, payload, parsed.reason);
      alert = parsed.value;
      const claimedVehicle = (parsed.json as Record<string, unknown>)['vehicleId'];
      const device = await this.devices.find(deviceId);
      if (!device) return this.deadLetter(deviceId, channel, payload, 'unknown-device: not registered');
      if (typeof claimedVehicle === 'string' && claimedVehicle !== device.vehicleId) {
        return this.deadLetter(deviceId, channel, payload, `vehicle-mismatch: device is registered to ${device.vehicleId}`);
      }
      const implausible = implausibleOccurredAt(alert.occurredAt, now, this.settings);
      if (implausible) return this.deadLetter(deviceId, channel, payload, implausible);
      const occurredAt = new Date(alert.occurredAt);
      const triage = channel === 'crash' ? triageCrash(alert as CrashAlertV1, this.settings.thresholds) : triageLock(alert as LockAlertV1);
      // The device's vehicle is its partner's: cover, claims, damage and state are looked up by the pair.
      const vehicle = { partnerId: device.partnerId, vehicleId: device.vehicleId };
      if (triage.kind === 'telemetry') return await this.telemetry(vehicle, triage, occurredAt);
      // One device's flood (a compromised or broken gateway) must not take the intake's claim
      // transactions from every other partner's cars: past its rate its alerts are dead-lettered
      // with the reason (cheap, batched), which keeps each of them on record.
      if (this.alertRates && !this.alertRates.take(deviceId).ok) {
        const { perSecond, burst } = this.settings.alertRate as RateLimit;
        return this.deadLetter(deviceId, channel, payload, `rate-limited: this device sent alerts faster than ${perSecond}/s (burst ${burst})`);
      }
      return await this.transactions.submit({ deviceId, channel, alert, triage, occurredAt, vehicleId: device.vehicleId, partnerId: device.partnerId, now, trace: trace?.() });
    } catch (error) {
      // What the database refuses it will always refuse: dead-letter it and acknowledge, rather
      // than leave it unacknowledged for the broker to redeliver for ever. Anything else (the
      // database or Redis away) is thrown, and the intake retries before acknowledging.
      if (isDeterministicDataError(error)) return this.deadLetter(deviceId, channel, payload, dataErrorReason(error));
      throw error;
    }
  }

  /** One alert on its vehicle, locked by the caller's transaction; its events are added to `outbox`. */
  private async apply(tx: DatabaseTx, s: Alert, effects: Effects): Promise<SignalOutcome> {
    const { topic } = this.settings;
    const { outbox } = effects;
    const vehicle = { partnerId: s.partnerId, vehicleId: s.vehicleId };
    const situation = effects.situations.get(s) ?? (await this.readAfterWrites(tx, s, effects));
    effects.situations.delete(s);
    if (situation.seen) return 'duplicate';
    const location = s.alert.location ?? null;
    const accidentId = 'accidentId' in s.alert ? s.alert.accidentId : undefined;
    const causeId = `${s.deviceId}:${s.alert.eventId}`;
    const decision = decideSignal(s.triage, situation, { accidentId, occurredAt: s.occurredAt }, this.settings.accidentWindowMs);
    switch (decision.kind) {
      case 'security':
        await this.insertIncident(tx, 'security', s, 'security');
        return 'security';
      case 'unmatched-withdrawal':
        await this.insertIncident(tx, 'withdrawal-without-claim', s, 'minor');
        return 'ignored';
      case 'withdraw': {
        const { claim } = decision;
        await this.claims.attachSignal(tx, claim.id, signalOf(s));
        await this.claims.setStatus(tx, claim.id, 'withdrawn');
        const withdrawn = claimEvent('com.kurumacover.claim.withdrawn', claimEventData(claim, 'withdrawn', s, claim.signalCount + 1, 'device-score-0'), causeId, s.now, topic);
        outbox.push(withdrawn);
        effects.ledger.push(...claimLedgerEntries('released', claim, withdrawn.eventId, s.now));
        await this.refreshDamage(tx, vehicle, causeId, s.now, effects);
        return 'withdrawn';
      }
      case 'attach': {
        const { claim, severity } = decision;
        await this.claims.attachSignal(tx, claim.id, signalOf(s));
        await this.claims.recordJoinedSignal(tx, claim.id, s.occurredAt, severity);
        outbox.push(claimEvent('com.kurumacover.claim.signal-attached', claimEventData({ ...claim, severity }, claim.status, s, claim.signalCount + 1), causeId, s.now, topic));
        return 'signal-attached';
      }
      case 'uncovered': {
        const { severity, cause } = decision.triage;
        const incidentId = await this.insertIncident(tx, 'uncovered', s, severity);
        const data = uncoveredIncidentData({ incidentId, partnerId: s.partnerId, vehicleId: s.vehicleId, deviceId: s.deviceId, severity, cause, occurredAt: s.alert.occurredAt, location });
        outbox.push(claimEvent('com.kurumacover.incident.uncovered', data, causeId, s.now, topic));
        return 'uncovered';
      }
      case 'open': {
        const { severity, cause } = decision.triage;
        const claim = openFnolClaim({ id: randomUUID(), openedAt: s.now, cover: decision.cover, severity, cause, accidentId: accidentId ?? null, occurredAt: s.occurredAt, location });
        const opened = claimEvent('com.kurumacover.claim.fnol-opened', claimEventData(claim, claim.status, s, 1), causeId, s.now, topic);
        outbox.push(opened);
        effects.ledger.push(...claimLedgerEntries('opened', claim, opened.eventId, s.now));
        // Written with the batch's other new claims (writeOpenedClaims): the vehicle's damage record
        // keeps its place after the claim's event, and its count is filled in once it is known.
        const record = isDamageClaim(claim.coverages) ? this.flagDamage(vehicle, 1, causeId, s.now, effects) : undefined;
        const countDamage = record && ((before: number) => Object.assign(record, vehicleDamageRecord(vehicle, before + 1, causeId, s.now, topic)));
        effects.opens.push({ vehicleId: s.vehicleId, claim, signal: signalOf(s), countDamage });
        return 'claim-opened';
      }
    }
  }

  private async insertIncident(tx: DatabaseTx, kind: string, s: Signal, severity: string): Promise<string> {
    const id = randomUUID();
    const { alert } = s;
    await this.claims.insertIncident(tx, {
      id, kind, partnerId: s.partnerId, vehicleId: s.vehicleId, deviceId: s.deviceId, eventId: alert.eventId, channel: s.channel, severity,
      payload: alert, lat: alert.location?.lat ?? null, lon: alert.location?.lon ?? null, occurredAt: s.occurredAt,
    });
    return id;
  }

  private async refreshDamage(tx: DatabaseTx, vehicle: PartnerVehicle, causeId: string, now: Date, effects: Effects): Promise<void> {
    this.flagDamage(vehicle, await this.claims.openDamageCount(tx, vehicle), causeId, now, effects);
  }

  /** Publishes the partner vehicle's open damage claim count; the flag pricing reads is set with the batch. */
  private flagDamage(vehicle: PartnerVehicle, open: number, causeId: string, now: Date, effects: Effects): OutboxEntry {
    const record = vehicleDamageRecord(vehicle, open, causeId, now, this.settings.topic);
    effects.outbox.push(record);
    // A later alert of the batch on the same vehicle knows better.
    effects.damage.set(`${vehicle.partnerId}/${vehicle.vehicleId}`, { vehicle, open: open > 0 });
    return record;
  }

  /**
   * The situation of an alert whose vehicle already had an alert in this batch: read after that
   * alert's writes, including a claim it opened (one accident, one claim).
   */
  private async readAfterWrites(tx: DatabaseTx, s: Signal, effects: Effects): Promise<VehicleSituation> {
    await this.writeOpenedClaims(tx, effects);
    return this.claims.vehicleSituation(tx, situationQuery(s));
  }

  /**
   * The claims opened since the last write, in one statement: a batch's new claims cost one round
   * trip, not one each (docs/benchmarks.md, "Claims opened in one statement"). Each damage
   * record is then given its vehicle's count of open damage claims, this one included.
   */
  private async writeOpenedClaims(tx: DatabaseTx, effects: Effects): Promise<void> {
    const opens = effects.opens.splice(0);
    if (opens.length === 0) return;
    const before = await this.claims.openClaims(tx, opens);
    opens.forEach((o, i) => o.countDamage?.(before[i] as number));
  }

  private async telemetry(vehicle: PartnerVehicle, triage: Extract<Triage, { kind: 'telemetry' }>, at: Date): Promise<SignalOutcome> {
    if (triage.lockState || triage.doorAjar) await this.vehicleStates.record({ ...vehicle, lockState: triage.lockState, doorAjar: triage.doorAjar ?? false, at });
    return 'telemetry';
  }

  /** Bad data, found on the first try: dead-lettered (byte for byte) and then acknowledged. */
  private async deadLetter(deviceId: string, channel: string, payload: Buffer, why: string): Promise<SignalOutcome> {
    await this.deadLetters.record({ deviceId, source: `devices/${deviceId}/${channel}`, reason: why, payload, attempts: 1 });
    this.logger.warn({ deviceId, channel, reason: toStorableText(why) }, 'device signal dead-lettered');
    return 'dead-letter';
  }
}

/** A device message past validation, on the vehicle its device is registered to. */
interface Signal {
  deviceId: string;
  channel: string;
  alert: CrashAlertV1 | LockAlertV1;
  occurredAt: Date;
  vehicleId: string;
  partnerId: string;
}

/** What a claim transaction publishes: its events, and each vehicle's damage flag. */
interface Effects {
  outbox: OutboxEntry[];
  damage: Map<string, { vehicle: PartnerVehicle; open: boolean }>;
  /** Premium ledger entries of the claims' reserves. */
  ledger: JournalEntry[];
  /** Not an effect: the situations read for the batch up front, each taken by its alert. */
  situations: Map<Alert, VehicleSituation>;
  /** Claims opened and not yet written, with the damage record whose count waits for the write. */
  opens: OpenedClaim[];
}

/** A claim an alert opened, written with the others of its batch. */
interface OpenedClaim {
  vehicleId: string;
  claim: NewClaim;
  signal: ClaimSignal;
  /** Gives the claim's damage record its vehicle's count, from the open damage claims before it. */
  countDamage: ((before: number) => void) | undefined;
}

/** An alert (not telemetry) on its way into a claim transaction. */
type Alert = Signal & { triage: Exclude<Triage, { kind: 'telemetry' }>; now: Date; trace?: Record<string, string> };

/** What an alert looks up on its vehicle: the cover index's hint is not used here, so the database decides. */
const situationQuery = (s: Signal): SituationQuery => ({ partnerId: s.partnerId, vehicleId: s.vehicleId, deviceId: s.deviceId, eventId: s.alert.eventId, at: s.occurredAt, policyHint: null });

/** The signal row of a device message. */
const signalOf = (s: Signal): ClaimSignal => ({
  deviceId: s.deviceId,
  eventId: s.alert.eventId,
  channel: s.channel,
  payload: s.alert,
  occurredAt: s.occurredAt,
});
