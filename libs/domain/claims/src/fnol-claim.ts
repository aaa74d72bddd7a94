import { createHash } from 'node:crypto';
import type { ClaimEventDataV1 } from '@kuruma/contracts';
import { type Cause, initialReserve, type Plan, respondingCoverages, type Severity } from './fnol-assessment';

/** A claim as its events show it. */
export interface FnolClaim {
  id: string;
  claimNumber: string;
  partnerId: string;
  policyId: string;
  policyNumber: string;
  bookingId: string;
  severity: string;
  cause: string;
  occurredAt: Date;
  lat: number | null;
  lon: number | null;
  coverages: string[];
  reserveYen: number;
}

/** The cover in force when the accident happened, which the claim is opened on. */
export interface CoverForClaim {
  policyId: string;
  policyNumber: string;
  partnerId: string;
  bookingId: string;
  driverId: string;
  plan: string;
}

/** A provisional claim as first notice of loss opens it. */
export interface OpenedFnolClaim extends FnolClaim {
  status: 'provisional';
  driverId: string;
  plan: string;
  accidentId: string | null;
  lastSignalAt: Date;
  signalCount: 1;
}

/** FNOL-YYYYMMDD-XXXXXXXX: the opening date (UTC) and 32 bits of the claim id's SHA-256, for correspondence. */
export function claimNumber(claimId: string, openedAt: Date): string {
  const date = openedAt.toISOString().slice(0, 10).replace(/-/g, '');
  return `FNOL-${date}-${createHash('sha256').update(claimId).digest('hex').slice(0, 8).toUpperCase()}`;
}

/**
 * Opens the claim of a covered accident: the plan's coverages that respond to the cause and
 * their initial reserve; the first signal is its only one.
 */
export function openFnolClaim(input: {
  id: string;
  openedAt: Date;
  cover: CoverForClaim;
  severity: Severity;
  cause: Cause;
  accidentId: string | null;
  occurredAt: Date;
  location: { lat: number; lon: number } | null;
}): OpenedFnolClaim {
  const { cover } = input;
  const coverages = respondingCoverages(cover.plan as Plan, input.cause);
  return {
    id: input.id,
    claimNumber: claimNumber(input.id, input.openedAt),
    status: 'provisional',
    partnerId: cover.partnerId,
    policyId: cover.policyId,
    policyNumber: cover.policyNumber,
    bookingId: cover.bookingId,
    driverId: cover.driverId,
    plan: cover.plan,
    severity: input.severity,
    cause: input.cause,
    accidentId: input.accidentId,
    occurredAt: input.occurredAt,
    lastSignalAt: input.occurredAt,
    lat: input.location?.lat ?? null,
    lon: input.location?.lon ?? null,
    coverages,
    reserveYen: initialReserve(coverages, input.severity),
    signalCount: 1,
  };
}

const SEVERITY_RANK: Record<string, number> = { minor: 1, vandalism: 1, major: 2, theft: 2 };

/** One accident, one claim, at its worst: a later signal may raise the severity, never lower it. */
export function mergeSeverity(current: string, incoming: string): string {
  return (SEVERITY_RANK[incoming] ?? 0) > (SEVERITY_RANK[current] ?? 0) ? incoming : current;
}

/** A claim event's data: the claim, the vehicle and device it came from, and who acted, if anyone. */
export function claimEventData(
  claim: FnolClaim,
  status: string,
  source: { vehicleId: string; deviceId: string },
  signalCount: number,
  actor?: string,
): ClaimEventDataV1 {
  return {
    claimId: claim.id,
    claimNumber: claim.claimNumber,
    vehicleId: source.vehicleId,
    deviceId: source.deviceId,
    partnerId: claim.partnerId,
    policyId: claim.policyId,
    policyNumber: claim.policyNumber,
    bookingId: claim.bookingId,
    status: status as ClaimEventDataV1['status'],
    severity: claim.severity as ClaimEventDataV1['severity'],
    cause: claim.cause,
    occurredAt: claim.occurredAt.toISOString(),
    location: claim.lat !== null && claim.lon !== null ? { lat: claim.lat, lon: claim.lon } : null,
    coverages: claim.coverages,
    reserve: claim.reserveYen,
    signalCount,
    ...(actor ? { actor } : {}),
  };
}

/** An accident with no cover in force: an incident, never a claim, so nothing is reserved. */
export function uncoveredIncidentData(incident: {
  incidentId: string;
  partnerId: string;
  vehicleId: string;
  deviceId: string;
  severity: Severity;
  cause: Cause;
  /** As the device sent it. */
  occurredAt: string;
  location: { lat: number; lon: number } | null;
}): ClaimEventDataV1 {
  return {
    claimId: null,
    claimNumber: null,
    incidentId: incident.incidentId,
    vehicleId: incident.vehicleId,
    deviceId: incident.deviceId,
    partnerId: incident.partnerId,
    policyId: null,
    policyNumber: null,
    bookingId: null,
    status: 'uncovered',
    severity: incident.severity,
    cause: incident.cause,
    occurredAt: incident.occurredAt,
    location: incident.location,
    coverages: [],
    reserve: 0,
    signalCount: 1,
  };
}
