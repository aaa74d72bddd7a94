import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  approveTariffVersion,
  draftTariffVersion,
  nextTariffChangeAfter,
  scheduleTariffVersion,
  TariffLifecycleError,
  tariffLifecycleAt,
  tariffTimeline,
  type TariffVersionRecord,
} from './tariff-lifecycle';

const T0 = new Date('2026-12-01T09:00:00+09:00');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const alice = { username: 'alice', actuary: true };
const bob = { username: 'bob', actuary: true };
const viewer = { username: 'vera', actuary: false };

function refusal(step: () => unknown): string | undefined {
  try {
    step();
  } catch (error) {
    if (error instanceof TariffLifecycleError) return error.code;
    throw error;
  }
  return undefined;
}

/** Drafted by alice, approved by bob at `approvedMin`, scheduled from `effectiveMin`. */
function scheduled(version: string, approvedMin: number, effectiveMin: number): TariffVersionRecord {
  const approved = approveTariffVersion(draftTariffVersion(version, version.split('@')[0], 'alice', at(0)), bob, at(approvedMin));
  return scheduleTariffVersion(approved, 'bob', at(effectiveMin), at(approvedMin));
}

describe('tariff lifecycle', () => {
  it('takes a version from draft through approval and schedule to active, and retires it when the next one starts', () => {
    const sut = scheduled('kc-a@000000000001', 1, 60);
    const next = scheduled('kc-b@000000000002', 2, 120);
    expect(tariffLifecycleAt([sut], at(59)).get(sut.version)?.state).toBe('scheduled');
    expect(tariffLifecycleAt([sut], at(60)).get(sut.version)?.state).toBe('active');
    const later = tariffLifecycleAt([sut, next], at(121));
    expect(later.get(sut.version)).toEqual({ state: 'retired', retiredBy: next.version, retiredReason: 'replaced' });
    expect(later.get(next.version)?.state).toBe('active');
  });

  it('shows drafts and approved-but-unscheduled versions as such', () => {
    const draft = draftTariffVersion('kc-a@000000000001', 'kc-a', 'alice', at(0));
    const approved = approveTariffVersion(draftTariffVersion('kc-b@000000000002', 'kc-b', 'alice', at(0)), bob, at(1));
    const sut = tariffLifecycleAt([draft, approved], at(5));
    expect(sut.get(draft.version)?.state).toBe('draft');
    expect(sut.get(approved.version)?.state).toBe('approved');
  });

  it('refuses an approval by the author (four eyes), by a non-actuary, and a second approval', () => {
    const draft = draftTariffVersion('kc-a@000000000001', 'kc-a', 'alice', at(0));
    expect(refusal(() => approveTariffVersion(draft, alice, at(1)))).toBe('four-eyes');
    expect(refusal(() => approveTariffVersion(draft, viewer, at(1)))).toBe('not-actuary');
    const approved = approveTariffVersion(draft, bob, at(1));
    expect(approved).toMatchObject({ approvedBy: 'bob', approvedAt: at(1) });
    expect(refusal(() => approveTariffVersion(approved, { username: 'carol', actuary: true }, at(2)))).toBe('already-approved');
  });

  it('refuses to schedule a draft, an instant that is not in the future, or a second schedule', () => {
    const draft = draftTariffVersion('kc-a@000000000001', 'kc-a', 'alice', at(0));
    expect(refusal(() => scheduleTariffVersion(draft, 'bob', at(60), at(1)))).toBe('not-approved');
    const approved = approveTariffVersion(draft, bob, at(1));
    expect(refusal(() => scheduleTariffVersion(approved, 'bob', at(2), at(2)))).toBe('effective-not-in-future');
    expect(refusal(() => scheduleTariffVersion(approved, 'bob', at(1), at(2)))).toBe('effective-not-in-future');
    expect(refusal(() => scheduleTariffVersion(approved, 'bob', new Date('2999-01-01T00:00:00+09:00'), at(2)))).toBe('effective-too-far');
    const sut = scheduleTariffVersion(approved, 'bob', at(60), at(2));
    expect(sut.effectiveFrom).toEqual(at(60));
    expect(refusal(() => scheduleTariffVersion(sut, 'bob', at(90), at(3)))).toBe('already-scheduled');
  });

  it('lets the later-approved of two versions scheduled at the same instant win and retires the other before it ever applies', () => {
    const first = scheduled('kc-a@000000000001', 1, 60);
    const correction = scheduled('kc-a@000000000002', 5, 60);
    const { inForce } = tariffTimeline([correction, first]);
    expect(inForce.map((r) => r.version)).toEqual([correction.version]);
    const sut = tariffLifecycleAt([first, correction], at(10));
    expect(sut.get(first.version)).toEqual({ state: 'retired', retiredBy: correction.version, retiredReason: 'superseded' });
    expect(sut.get(correction.version)?.state).toBe('scheduled');
  });

  it('names the next instant the version in force changes', () => {
    const a = scheduled('kc-a@000000000001', 1, 60);
    const b = scheduled('kc-b@000000000002', 2, 120);
    expect(nextTariffChangeAfter([a, b], at(10))).toEqual(at(60));
    expect(nextTariffChangeAfter([a, b], at(60))).toEqual(at(120));
    expect(nextTariffChangeAfter([a, b], at(120))).toBeUndefined();
  });

  it('has exactly one active version once any has started, whatever the order of approvals and instants', () => {
    const entry = fc.record({ approvedMin: fc.integer({ min: 1, max: 50 }), effectiveMin: fc.integer({ min: 60, max: 70 }) });
    fc.assert(
      fc.property(fc.array(entry, { minLength: 1, maxLength: 8 }), fc.integer({ min: 0, max: 80 }), (entries, nowMin) => {
        const records = entries.map((e, i) => scheduled(`kc-x@${String(i).padStart(12, '0')}`, e.approvedMin, e.effectiveMin));
        const states = [...tariffLifecycleAt(records, at(nowMin)).values()].map((v) => v.state);
        const started = entries.some((e) => e.effectiveMin <= nowMin);
        expect(states.filter((s) => s === 'active')).toHaveLength(started ? 1 : 0);
        // One version per scheduled instant; every other is retired as superseded.
        const instants = new Set(entries.map((e) => e.effectiveMin)).size;
        expect(tariffTimeline(records).inForce).toHaveLength(instants);
      }),
    );
  });
});
