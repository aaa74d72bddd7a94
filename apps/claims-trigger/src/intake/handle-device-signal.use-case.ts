import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { crashAlertV1Schema, lockAlertV1Schema, Topics, toStorableText, type CrashAlertV1, type LockAlertV1 } from '@kuruma/contracts';
import { type ClaimSignal, ClaimsRepository, dataErrorReason, type DatabaseTx, isDeterministicDataError, type PartnerVehicle, type SqlTransactional } from '@kuruma/data-access-db';
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
import { claimEvent, vehicleDamageRecord } from '../claims/claim-events';
import type { CoverIndex } from '../correlation/cover-index';
import type { DamageFlags } from '../fraud-guard/damage-flags';
import type { DeviceDirectory } from '../devices/device-directory';
import { VehicleStateWriter } from '../telemetry/vehicle-state.writer';

export type SignalOutcome = 'claim-opened' | 'signal-attached' | 'withdrawn' | 'uncovered' | 'security' | 'telemetry' | 'duplicate' | 'dead-letter' | 'ignored';

export interface SignalSettings {
  thresholds: TriageThresholds;
  accidentWindowMs: number;
  maxFutureSkewMs: number;
  maxLatenessMs: number;
  topic: (base: string) => string;
  producer: string;
}

/**
 * One device message, start to finish, made durable before the caller acknowledges it: validate,
 * triage, correlate with the cover in force at `occurredAt`, and open or join one claim per accident.
 */
export class HandleDeviceSignalUseCase {
  private readonly claims = new ClaimsRepository();
  private readonly vehicleStates: VehicleStateWriter;

  constructor(
    private readonly db: SqlTransactional,
    private readonly devices: DeviceDirectory,
    private readonly coverIndex: CoverIndex,
    private readonly damageFlags: DamageFlags,
    private readonly settings: SignalSettings,
    private readonly logger: Logger,
  ) {
    this.vehicleStates = new VehicleStateWriter(db);
  }

  /** `trace`: the trace headers of the events it publishes (the intake hop's span). */
  async execute(deviceId: string, channel: 'crash' | 'lock', payload: Buffer, now = new Date(), trace?: Record<string, string>): Promise<SignalOutcome> {
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
      const hint = await this.coverIndex.policyAt(vehicle, occurredAt).catch(() => null);
      return await this.db.$transaction(
        (tx) => this.apply(tx, { deviceId, channel, alert, triage, occurredAt, vehicleId: device.vehicleId, partnerId: device.partnerId, hint, now, trace }),
      );
    } catch (error) {
      // What the database refuses it will always refuse: dead-letter it and acknowledge, rather
      // than leave it unacknowledged for the broker to redeliver for ever. Anything else (the
      // database or Redis away) is thrown, and the intake retries before acknowledging.
      if (isDeterministicDataError(error)) return this.deadLetter(deviceId, channel, payload, dataErrorReason(error));
      throw error;
    }
  }

  private async apply(tx: DatabaseTx, s: Signal & { triage: Exclude<Triage, { kind: 'telemetry' }>; hint: string | null; now: Date; trace?: Record<string, string> }): Promise<SignalOutcome> {
    const { topic, producer } = this.settings;
    const vehicle = { partnerId: s.partnerId, vehicleId: s.vehicleId };
    await this.claims.lockVehicle(tx, vehicle);
    const situation = await this.claims.vehicleSituation(tx, { ...vehicle, deviceId: s.deviceId, eventId: s.alert.eventId, at: s.occurredAt, policyHint: s.hint });
    if (situation.seen) return 'duplicate';
    const location = s.alert.location ?? null;
    const accidentId = 'accidentId' in s.alert ? s.alert.accidentId : undefined;
    const causeId = `${s.deviceId}:${s.alert.eventId}`;
    const outbox: OutboxEntry[] = [];
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
        outbox.push(claimEvent('claim.withdrawn', claimEventData(claim, 'withdrawn', s, claim.signalCount + 1, 'device-score-0'), causeId, s.now, topic));
        await this.refreshDamage(tx, vehicle, causeId, s.now, outbox);
        await enqueueOutbox(tx, producer, outbox, s.trace);
        return 'withdrawn';
      }
      case 'attach': {
        const { claim, severity } = decision;
        await this.claims.attachSignal(tx, claim.id, signalOf(s));
        await this.claims.recordJoinedSignal(tx, claim.id, s.occurredAt, severity);
        outbox.push(claimEvent('claim.signal-attached', claimEventData({ ...claim, severity }, claim.status, s, claim.signalCount + 1), causeId, s.now, topic));
        await enqueueOutbox(tx, producer, outbox, s.trace);
        return 'signal-attached';
      }
      case 'uncovered': {
        const { severity, cause } = decision.triage;
        const incidentId = await this.insertIncident(tx, 'uncovered', s, severity);
        const data = uncoveredIncidentData({ incidentId, partnerId: s.partnerId, vehicleId: s.vehicleId, deviceId: s.deviceId, severity, cause, occurredAt: s.alert.occurredAt, location });
        outbox.push(claimEvent('incident.uncovered', data, causeId, s.now, topic));
        await enqueueOutbox(tx, producer, outbox, s.trace);
        return 'uncovered';
      }
      case 'open': {
        const { severity, cause } = decision.triage;
        const claim = openFnolClaim({ id: randomUUID(), openedAt: s.now, cover: decision.cover, severity, cause, accidentId: accidentId ?? null, occurredAt: s.occurredAt, location });
        const damageBefore = await this.claims.openClaim(tx, s.vehicleId, claim, signalOf(s));
        outbox.push(claimEvent('claim.fnol-opened', claimEventData(claim, claim.status, s, 1), causeId, s.now, topic));
        if (isDamageClaim(claim.coverages)) await this.flagDamage(vehicle, damageBefore + 1, causeId, s.now, outbox);
        await enqueueOutbox(tx, producer, outbox, s.trace);
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

  private async refreshDamage(tx: DatabaseTx, vehicle: PartnerVehicle, causeId: string, now: Date, outbox: OutboxEntry[]): Promise<void> {
    await this.flagDamage(vehicle, await this.claims.openDamageCount(tx, vehicle), causeId, now, outbox);
  }

  /** Publishes the partner vehicle's open damage claim count and sets the flag pricing reads. */
  private async flagDamage(vehicle: PartnerVehicle, open: number, causeId: string, now: Date, outbox: OutboxEntry[]): Promise<void> {
    outbox.push(vehicleDamageRecord(vehicle, open, causeId, now, this.settings.topic));
    // Set before commit: a booking must never slip through between the claim and the flag.
    await this.damageFlags.set(vehicle, open > 0);
  }

  private async telemetry(vehicle: PartnerVehicle, triage: Extract<Triage, { kind: 'telemetry' }>, at: Date): Promise<SignalOutcome> {
    if (triage.lockState || triage.doorAjar) await this.vehicleStates.record({ ...vehicle, lockState: triage.lockState, doorAjar: triage.doorAjar ?? false, at });
    return 'telemetry';
  }

  /**
   * The payload is kept byte for byte (bytea, and bytes on the dead-letter topic): NUL bytes and
   * invalid UTF-8 included, up to the broker's packet limit (1 MiB), which the DLQ topic exceeds.
   */
  private async deadLetter(deviceId: string, channel: string, payload: Buffer, why: string): Promise<SignalOutcome> {
    const reason = toStorableText(why);
    const id = randomUUID();
    await this.db.$transaction(async (tx) => {
      await this.claims.insertDeadLetter(tx, { id, source: `devices/${deviceId}/${channel}`, reason, payload });
      await enqueueOutbox(tx, this.settings.producer, [
        {
          topic: this.settings.topic(Topics.deviceSignalsDlq),
          key: deviceId,
          eventId: `dlq:${id}`,
          payload,
          headers: { 'x-dlq-reason': reason, 'x-dlq-original-topic': `devices/${deviceId}/${channel}`, 'x-dlq-service': 'claims-trigger' },
        },
      ]);
    });
    this.logger.warn({ deviceId, channel, reason }, 'device signal dead-lettered');
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

/** The signal row of a device message. */
const signalOf = (s: Signal): ClaimSignal => ({
  deviceId: s.deviceId,
  eventId: s.alert.eventId,
  channel: s.channel,
  payload: s.alert,
  occurredAt: s.occurredAt,
});
