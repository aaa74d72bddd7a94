import { describe, expect, it } from 'vitest';
import { decideSignal } from './signal-decision';

const at = new Date('2026-12-01T03:00:00Z');
const window = 10 * 60_000;
const major = { kind: 'claim', severity: 'major', cause: 'collision' } as const;
const minor = { kind: 'claim', severity: 'minor', cause: 'collision' } as const;
const cover = { policyId: 'p-1' };
const open = (over: Partial<{ accidentId: string | null; status: string; severity: string; lastSignalAt: Date }> = {}) => ({
  id: 'c-1',
  accidentId: null,
  status: 'provisional',
  severity: 'minor',
  lastSignalAt: new Date(at.getTime() - 60_000),
  ...over,
});

describe(decideSignal.name, () => {
  it('keeps security events out of claims', () => {
    expect(decideSignal({ kind: 'security', reason: 'invalid_access' }, { open: open(), cover }, { occurredAt: at }, window)).toEqual({ kind: 'security' });
  });

  it('opens a claim for a new accident under cover, and records an incident without cover', () => {
    expect(decideSignal(major, { open: null, cover }, { occurredAt: at }, window)).toEqual({ kind: 'open', triage: major, cover });
    expect(decideSignal(major, { open: null, cover: null }, { occurredAt: at }, window)).toEqual({ kind: 'uncovered', triage: major });
  });

  it("joins the open claim's accident at the worse severity, one accident one claim", () => {
    const claim = open();
    expect(decideSignal(major, { open: claim, cover }, { occurredAt: at }, window)).toEqual({ kind: 'attach', claim, severity: 'major' });
    const worse = open({ severity: 'major' });
    expect(decideSignal(minor, { open: worse, cover }, { occurredAt: at }, window)).toEqual({ kind: 'attach', claim: worse, severity: 'major' });
  });

  it('opens a second claim for another accident (another accident id, or outside the window)', () => {
    expect(decideSignal(major, { open: open({ accidentId: 'acc-1' }), cover }, { accidentId: 'acc-2', occurredAt: at }, window)).toMatchObject({ kind: 'open' });
    expect(decideSignal(major, { open: open({ lastSignalAt: new Date(at.getTime() - 2 * window) }), cover }, { occurredAt: at }, window)).toMatchObject({ kind: 'open' });
  });

  it('lets a device withdraw only the provisional claim of the same accident', () => {
    const claim = open({ accidentId: 'acc-1' });
    expect(decideSignal({ kind: 'withdrawal' }, { open: claim, cover }, { accidentId: 'acc-1', occurredAt: at }, window)).toEqual({ kind: 'withdraw', claim });
    expect(decideSignal({ kind: 'withdrawal' }, { open: open({ accidentId: 'acc-1', status: 'confirmed' }), cover }, { accidentId: 'acc-1', occurredAt: at }, window)).toEqual({
      kind: 'unmatched-withdrawal',
    });
    expect(decideSignal({ kind: 'withdrawal' }, { open: claim, cover }, { accidentId: 'acc-2', occurredAt: at }, window)).toEqual({ kind: 'unmatched-withdrawal' });
    expect(decideSignal({ kind: 'withdrawal' }, { open: null, cover }, { occurredAt: at }, window)).toEqual({ kind: 'unmatched-withdrawal' });
  });
});
