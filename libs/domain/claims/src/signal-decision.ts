import { claimStatusChange } from './claim-status';
import type { Triage } from './crash-triage';
import { joinsOpenClaim } from './fnol-assessment';
import { mergeSeverity } from './fnol-claim';

type ClaimTriage = Extract<Triage, { kind: 'claim' }>;

/** The vehicle's open claim, as far as a new signal's fate depends on it. */
export interface OpenClaimFacts {
  accidentId: string | null;
  lastSignalAt: Date;
  status: string;
  severity: string;
}

export type SignalDecision<C extends OpenClaimFacts, V> =
  /** A security event for ops: an incident, never a claim. */
  | { kind: 'security' }
  /** A device withdrawing an alert no provisional claim of this accident holds: kept, nothing changes. */
  | { kind: 'unmatched-withdrawal' }
  /** The device withdraws the provisional claim of this accident (a false alarm). */
  | { kind: 'withdraw'; claim: C }
  /** Another signal of the open claim's accident: it joins, at the worse severity. */
  | { kind: 'attach'; claim: C; severity: string }
  /** No cover was in force: an uncovered incident. */
  | { kind: 'uncovered'; triage: ClaimTriage }
  /** A new accident under cover: first notice of loss. */
  | { kind: 'open'; triage: ClaimTriage; cover: V };

/**
 * What a device signal does, given the vehicle's open claim and the cover in force when it
 * happened: one accident, one claim.
 */
export function decideSignal<C extends OpenClaimFacts, V>(
  triage: Exclude<Triage, { kind: 'telemetry' }>,
  situation: { open: C | null; cover: V | null },
  signal: { accidentId?: string; occurredAt: Date },
  accidentWindowMs: number,
): SignalDecision<C, V> {
  if (triage.kind === 'security') return { kind: 'security' };
  const { open, cover } = situation;
  const joined = open && joinsOpenClaim(open, signal, accidentWindowMs) ? open : null;
  if (triage.kind === 'withdrawal') {
    if (!joined || claimStatusChange(joined.status, 'withdraw').kind !== 'changed') return { kind: 'unmatched-withdrawal' };
    return { kind: 'withdraw', claim: joined };
  }
  if (joined) return { kind: 'attach', claim: joined, severity: mergeSeverity(joined.severity, triage.severity) };
  if (!cover) return { kind: 'uncovered', triage };
  return { kind: 'open', triage, cover };
}
