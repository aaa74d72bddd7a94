import type { CrashAlertV1, LockAlertV1 } from '@kuruma/contracts';

/** Thresholds from public telematics documentation (domain.md section 7); configurable per deployment. */
export interface TriageThresholds {
  /** Geotab: major collision at or above 2.5 g horizontal. */
  majorPeakG: number;
  /** Geotab: minor collision from 1.5 g. */
  minorPeakG: number;
  /** A speed change this large is major whatever the g reading (Digital Matter uses 7 km/h in 120 ms for detection). */
  majorDeltaVKmh: number;
  /** Digital Matter: rollover above 60 degrees. */
  rolloverDeg: number;
}

export const DEFAULT_THRESHOLDS: TriageThresholds = { majorPeakG: 2.5, minorPeakG: 1.5, majorDeltaVKmh: 25, rolloverDeg: 60 };

export type Triage =
  | { kind: 'claim'; severity: 'major' | 'minor' | 'theft' | 'vandalism'; cause: 'collision' | 'rollover' | 'theft' | 'vandalism' }
  | { kind: 'security'; reason: 'unlock_outside_booking' | 'invalid_access' }
  | { kind: 'withdrawal' }
  | { kind: 'telemetry'; lockState?: 'locked' | 'unlocked'; doorAjar?: boolean };

/** Crash signals: major, minor or telemetry; a score of 0 is the detector withdrawing its alert. */
export function triageCrash(alert: CrashAlertV1, t: TriageThresholds = DEFAULT_THRESHOLDS): Triage {
  if (alert.score === 0) return { kind: 'withdrawal' };
  if (alert.rolloverDeg !== undefined && alert.rolloverDeg > t.rolloverDeg) return { kind: 'claim', severity: 'major', cause: 'rollover' };
  if (alert.peakG >= t.majorPeakG || (alert.deltaVKmh ?? 0) >= t.majorDeltaVKmh) return { kind: 'claim', severity: 'major', cause: 'collision' };
  if (alert.peakG >= t.minorPeakG) return { kind: 'claim', severity: 'minor', cause: 'collision' };
  return { kind: 'telemetry' };
}

/** Lock signals: forced entry is theft, tamper is vandalism, misuse is for ops, the rest is state. */
export function triageLock(alert: LockAlertV1): Triage {
  switch (alert.kind) {
    case 'forced_entry':
      return { kind: 'claim', severity: 'theft', cause: 'theft' };
    case 'tamper':
      return { kind: 'claim', severity: 'vandalism', cause: 'vandalism' };
    case 'unlock_outside_booking':
    case 'invalid_access':
      return { kind: 'security', reason: alert.kind };
    case 'locked':
      return { kind: 'telemetry', lockState: 'locked' };
    case 'unlocked':
      return { kind: 'telemetry', lockState: 'unlocked' };
    case 'door_ajar':
      return { kind: 'telemetry', doorAjar: true };
  }
}
