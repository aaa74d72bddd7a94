import { createHash, randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { crashAlertV1Schema, lockAlertV1Schema, Topics, toStorableText, type CrashAlertV1, type LockAlertV1, type ClaimEventDataV1 } from '@kuruma/contracts';
import { type ClaimSignal, ClaimsRepository, dataErrorReason, type DatabaseTx, isDeterministicDataError, type PartnerVehicle, type SqlTransactional } from '@kuruma/data-access-db';
import { enqueueOutbox, type OutboxEntry, parseJsonMessage } from '@kuruma/data-access-messaging';
import {
  type Cause,
  implausibleOccurredAt,
  initialReserve,
  isDamageClaim,
  joinsOpenClaim,
  type Plan,
  respondingCoverages,
  type Severity,
  triageCrash,
  triageLock,
  type Triage,
  type TriageThresholds,
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

const SEVERITY_RANK: Record<string, number> = { minor: 1, vandalism: 1, major: 2, theft: 2 };

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

  async execute(deviceId: string, channel: 'crash' | 'lock', payload: Buffer, now = new Date()): Promise<SignalOutcome> {
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
        (tx) => this.apply(tx, { deviceId, channel, alert, triage, occurredAt, vehicleId: device.vehicleId, partnerId: device.partnerId, hint, now }),
      );
    } catch (error) {
      // What the database refuses it will always refuse: dead-letter it and acknowledge, rather
      // than leave it unacknowledged for the broker to redeliver for ever. Anything else (the
      // database or Redis away) is thrown, and the intake retries before acknowledging.
      if (isDeterministicDataError(error)) return this.deadLetter(deviceId, channel, payload, dataErrorReason(error));
      throw error;
    }
  }

  private async apply(
    tx: DatabaseTx,
    s: { deviceId: string; channel: string; alert: CrashAlertV1 | LockAlertV1; triage: Triage; occurredAt: Date; vehicleId: string; partnerId: string; hint: string | null; now: Date },
  ): Promise<SignalOutcome> {
    const { topic, producer } = this.settings;
    const vehicle = { partnerId: s.partnerId, vehicleId: s.vehicleId };
    await this.claims.lockVehicle(tx, vehicle);
    const situation = await this.claims.vehicleSituation(tx, { ...vehicle, deviceId: s.deviceId, eventId: s.alert.eventId, at: s.occurredAt, policyHint: s.hint });
    if (situation.seen) return 'duplicate';
    const location = s.alert.location ?? null;
    const accidentId = 'accidentId' in s.alert ? s.alert.accidentId : undefined;
    const causeId = `${s.deviceId}:${s.alert.eventId}`;
    const outbox: OutboxEntry[] = [];

    if (s.triage.kind === 'security') {
      await this.insertIncident(tx, 'security', s, 'security');
      return 'security';
    }
    const { open, cover } = situation;
    const joins = open && joinsOpenClaim(open, { accidentId, occurredAt: s.occurredAt }, this.settings.accidentWindowMs);

    if (s.triage.kind === 'withdrawal') {
      if (!open || open.status !== 'provisional' || !joins) {
        await this.insertIncident(tx, 'withdrawal-without-claim', s, 'minor');
        return 'ignored';
      }
      await this.claims.attachSignal(tx, open.id, signalOf(s));
      await tx.$executeRaw`UPDATE claim SET status = 'withdrawn', updated_at = now() WHERE id = ${open.id}::uuid`;
      outbox.push(claimEvent('claim.withdrawn', this.claimData(open, 'withdrawn', s, open.signalCount + 1, 'device-score-0'), causeId, s.now, topic));
      await this.refreshDamage(tx, vehicle, causeId, s.now, outbox);
      await enqueueOutbox(tx, producer, outbox);
      return 'withdrawn';
    }

    const triage = s.triage as Extract<Triage, { kind: 'claim' }>;
    if (open && joins) {
      await this.claims.attachSignal(tx, open.id, signalOf(s));
      const severity = (SEVERITY_RANK[triage.severity] ?? 0) > (SEVERITY_RANK[open.severity] ?? 0) ? triage.severity : open.severity;
      await tx.$executeRaw`UPDATE claim SET last_signal_at = GREATEST(last_signal_at, ${s.occurredAt}), severity = ${severity}, updated_at = now() WHERE id = ${open.id}::uuid`;
      outbox.push(claimEvent('claim.signal-attached', this.claimData({ ...open, severity }, open.status, s, open.signalCount + 1), causeId, s.now, topic));
      await enqueueOutbox(tx, producer, outbox);
      return 'signal-attached';
    }

    if (!cover) {
      const incidentId = await this.insertIncident(tx, 'uncovered', s, triage.severity);
      outbox.push(
        claimEvent(
          'incident.uncovered',
          {
            claimId: null, claimNumber: null, incidentId, vehicleId: s.vehicleId, deviceId: s.deviceId, partnerId: s.partnerId, policyId: null,
            policyNumber: null, bookingId: null, status: 'uncovered', severity: triage.severity, cause: triage.cause, occurredAt: s.alert.occurredAt,
            location, coverages: [], reserve: 0, signalCount: 1,
          },
          causeId,
          s.now,
          topic,
        ),
      );
      await enqueueOutbox(tx, producer, outbox);
      return 'uncovered';
    }
    const coverages = respondingCoverages(cover.plan as Plan, triage.cause as Cause);
    const reserve = initialReserve(coverages, triage.severity as Severity);
    const claimId = randomUUID();
    const claimNumber = `FNOL-${s.now.toISOString().slice(0, 10).replace(/-/g, '')}-${createHash('sha256').update(claimId).digest('hex').slice(0, 8).toUpperCase()}`;
    const created = {
      id: claimId, claimNumber, accidentId: accidentId ?? null, lastSignalAt: s.occurredAt, severity: triage.severity, status: 'provisional',
      policyId: cover.policyId, policyNumber: cover.policyNumber, bookingId: cover.bookingId, partnerId: cover.partnerId, driverId: cover.driverId,
      plan: cover.plan, coverages, reserveYen: reserve, occurredAt: s.occurredAt, lat: location?.lat ?? null, lon: location?.lon ?? null, cause: triage.cause,
      signalCount: 1,
    };
    const damageBefore = await this.claims.openClaim(tx, s.vehicleId, created, signalOf(s));
    outbox.push(claimEvent('claim.fnol-opened', this.claimData(created, 'provisional', s, 1), causeId, s.now, topic));
    if (isDamageClaim(coverages)) await this.flagDamage(vehicle, damageBefore + 1, causeId, s.now, outbox);
    await enqueueOutbox(tx, producer, outbox);
    return 'claim-opened';
  }

  private claimData(
    c: { id: string; claimNumber: string; policyId: string; policyNumber: string; bookingId: string; partnerId: string; severity: string; cause: string; occurredAt: Date; lat: number | null; lon: number | null; coverages: string[]; reserveYen: number },
    status: string,
    s: { vehicleId: string; deviceId: string },
    signalCount: number,
    actor?: string,
  ): ClaimEventDataV1 {
    return {
      claimId: c.id, claimNumber: c.claimNumber, vehicleId: s.vehicleId, deviceId: s.deviceId, partnerId: c.partnerId, policyId: c.policyId,
      policyNumber: c.policyNumber, bookingId: c.bookingId, status: status as ClaimEventDataV1['status'], severity: c.severity as ClaimEventDataV1['severity'],
      cause: c.cause, occurredAt: c.occurredAt.toISOString(), location: c.lat !== null && c.lon !== null ? { lat: c.lat, lon: c.lon } : null,
      coverages: c.coverages, reserve: c.reserveYen, signalCount, ...(actor ? { actor } : {}),
    };
  }

  private async insertIncident(
    tx: DatabaseTx,
    kind: string,
    s: { deviceId: string; channel: string; alert: CrashAlertV1 | LockAlertV1; occurredAt: Date; vehicleId: string; partnerId: string },
    severity: string,
  ): Promise<string> {
    const id = randomUUID();
    await tx.$executeRaw`
      INSERT INTO incident (id, kind, partner_id, vehicle_id, device_id, event_id, channel, severity, payload, lat, lon, occurred_at)
      VALUES (${id}::uuid, ${kind}, ${s.partnerId}, ${s.vehicleId}, ${s.deviceId}, ${s.alert.eventId}, ${s.channel}, ${severity},
              ${JSON.stringify(s.alert)}::jsonb, ${s.alert.location?.lat ?? null}, ${s.alert.location?.lon ?? null}, ${s.occurredAt})`;
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
      await tx.$executeRaw`INSERT INTO dead_letter (id, service, source, reason, payload) VALUES (${id}::uuid, 'claims-trigger', ${`devices/${deviceId}/${channel}`}, ${reason}, ${payload})`;
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

/** The signal row of a device message. */
const signalOf = (s: { deviceId: string; channel: string; alert: { eventId: string }; occurredAt: Date }): ClaimSignal => ({
  deviceId: s.deviceId,
  eventId: s.alert.eventId,
  channel: s.channel,
  payload: s.alert,
  occurredAt: s.occurredAt,
});
