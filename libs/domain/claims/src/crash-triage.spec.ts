import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS, triageCrash, triageLock } from './crash-triage';
import { initialReserve, joinsOpenClaim, respondingCoverages } from './fnol-assessment';

const crash = (over: Partial<Parameters<typeof triageCrash>[0]>) => ({ eventId: 'e', occurredAt: '2026-12-01T10:00:00+09:00', peakG: 0.5, ...over });

describe(triageCrash.name, () => {
  it('follows the public thresholds: >= 2.5 g major, 1.5-2.5 g minor, below telemetry', () => {
    expect(triageCrash(crash({ peakG: 2.5 }))).toMatchObject({ kind: 'claim', severity: 'major' });
    expect(triageCrash(crash({ peakG: 2.49 }))).toMatchObject({ kind: 'claim', severity: 'minor' });
    expect(triageCrash(crash({ peakG: 1.5 }))).toMatchObject({ kind: 'claim', severity: 'minor' });
    expect(triageCrash(crash({ peakG: 1.49 }))).toEqual({ kind: 'telemetry' });
  });

  it('treats a large delta-V or a rollover beyond 60 degrees as major whatever the g reading', () => {
    expect(triageCrash(crash({ peakG: 0.8, deltaVKmh: 30 }))).toMatchObject({ severity: 'major', cause: 'collision' });
    expect(triageCrash(crash({ peakG: 0.8, rolloverDeg: 61 }))).toMatchObject({ severity: 'major', cause: 'rollover' });
    expect(triageCrash(crash({ peakG: 0.8, rolloverDeg: 60 }))).toEqual({ kind: 'telemetry' });
  });

  it('reads a score of 0 as the detector withdrawing the alert', () => {
    expect(triageCrash(crash({ peakG: 4, score: 0 }))).toEqual({ kind: 'withdrawal' });
  });

  it('never rates a harder impact as less severe (property)', () => {
    const rank = (g: number) => {
      const t = triageCrash(crash({ peakG: g }));
      return t.kind === 'claim' ? (t.severity === 'major' ? 2 : 1) : 0;
    };
    fc.assert(fc.property(fc.double({ min: 0, max: 20, noNaN: true }), fc.double({ min: 0, max: 20, noNaN: true }), (a, b) => {
      expect(rank(Math.max(a, b))).toBeGreaterThanOrEqual(rank(Math.min(a, b)));
    }));
    expect(DEFAULT_THRESHOLDS.majorPeakG).toBe(2.5);
  });
});

describe(triageLock.name, () => {
  it('maps lock alarms to theft, vandalism, security incidents and telemetry', () => {
    expect(triageLock({ eventId: 'e', occurredAt: 'x', kind: 'forced_entry' })).toMatchObject({ kind: 'claim', severity: 'theft' });
    expect(triageLock({ eventId: 'e', occurredAt: 'x', kind: 'tamper' })).toMatchObject({ kind: 'claim', severity: 'vandalism' });
    expect(triageLock({ eventId: 'e', occurredAt: 'x', kind: 'invalid_access' })).toEqual({ kind: 'security', reason: 'invalid_access' });
    expect(triageLock({ eventId: 'e', occurredAt: 'x', kind: 'door_ajar' })).toEqual({ kind: 'telemetry', doorAjar: true });
  });
});

describe('FNOL assessment', () => {
  it('answers vehicle damage only where the plan has it', () => {
    expect(respondingCoverages('liability', 'collision')).toEqual(['bodily-injury-liability', 'property-damage-liability']);
    expect(respondingCoverages('liability', 'theft')).toEqual([]);
    expect(respondingCoverages('standard', 'theft')).toEqual(['vehicle-damage']);
    expect(respondingCoverages('full', 'collision')).toContain('road-assistance');
  });

  it('reserves more for a major crash than a minor one', () => {
    const coverages = respondingCoverages('full', 'collision');
    expect(initialReserve(coverages, 'major')).toBeGreaterThan(initialReserve(coverages, 'minor'));
  });

  it('joins signals by accident id, else by time window', () => {
    const open = { accidentId: null, lastSignalAt: new Date('2026-12-01T10:00:00Z') };
    expect(joinsOpenClaim(open, { occurredAt: new Date('2026-12-01T10:00:50Z') }, 60_000)).toBe(true);
    expect(joinsOpenClaim(open, { occurredAt: new Date('2026-12-01T10:01:30Z') }, 60_000)).toBe(false);
    expect(joinsOpenClaim({ accidentId: 'a1', lastSignalAt: open.lastSignalAt }, { accidentId: 'a1', occurredAt: new Date('2026-12-01T11:00:00Z') }, 60_000)).toBe(true);
  });
});
