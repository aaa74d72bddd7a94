import { describe, expect, it } from 'vitest';
import { toCsv } from './csv';
import { postClaimMovement, postPolicyEffect } from './posting-rules';
import { renderStatement } from './statement-documents';
import { buildClaimsBordereau, buildPremiumBordereau, buildStatement, type StatementEntry } from './statements';

const at = (iso: string) => new Date(iso);
const policy = { policyNumber: 'KC-20261105-000001', bookingId: '=HYPERLINK("x")', plan: 'standard', coverStart: at('2026-11-05T01:00:00Z') };
const claimRef = { claimNumber: 'FNOL-20261106-ABCD', policyNumber: policy.policyNumber, bookingId: 'bk-1', occurredAt: at('2026-11-06T02:00:00Z'), openedAt: at('2026-11-06T02:00:05Z'), cause: 'collision' };
const ctx = { partnerId: 'demo', policyId: 'p1', tariffVersion: 'standard@abc' };
const asStatement = (entries: ReturnType<typeof postPolicyEffect>, extra: Partial<StatementEntry> = {}): StatementEntry[] =>
  entries.map((e) => ({ ...e, periodDay: '2026-11-05', originalDay: null, policy, claim: null, ...extra }));

const entries: StatementEntry[] = [
  ...asStatement(postPolicyEffect({ ...ctx, sourceEventId: 'p1:policy.bound:demo:e1', businessAt: at('2026-11-05T00:00:00Z'), kind: 'bound', premiumYen: 1000, coverStart: policy.coverStart, coverEnd: at('2026-11-05T05:00:00Z') })),
  ...asStatement(postPolicyEffect({ ...ctx, sourceEventId: 'p1:policy.extended:demo:e2', businessAt: at('2026-11-05T03:00:00Z'), kind: 'extended', lateReturn: false, premiumDeltaYen: 300, coverEndBefore: at('2026-11-05T05:00:00Z'), coverEndAfter: at('2026-11-05T06:00:00Z') })),
  ...asStatement(postPolicyEffect({ ...ctx, policyId: 'p2', sourceEventId: 'p2:policy.cancelled:demo:e3', businessAt: at('2026-11-07T00:00:00Z'), kind: 'no-show', premiumYen: 800, refundYen: 500, coverEndAfter: null }), { originalDay: '2026-11-02' }),
  ...postClaimMovement({ sourceEventId: 'c1:claim.fnol-opened:d:e', kind: 'opened', partnerId: 'demo', policyId: 'p1', claimId: 'c1', reserveYen: 200_000, businessAt: claimRef.openedAt }).map((e) => ({ ...e, periodDay: '2026-11-06', originalDay: null, policy: null, claim: claimRef })),
];

describe(buildStatement.name, () => {
  it('sums what the partner owes: written premium less refunds, the no-show fee kept', () => {
    expect(buildStatement('demo', '2026-11', true, entries)).toEqual({
      partnerId: 'demo', period: '2026-11', periodStart: '2026-11-01T00:00:00+09:00', periodEnd: '2026-12-01T00:00:00+09:00', closed: true,
      policiesBound: 1, writtenPremiumYen: 1300, returnPremiumYen: 800, refundsYen: 500, feesYen: 300, netAmountDueYen: 800,
      claimReservesOpenedYen: 200_000, claimReservesReleasedYen: 0, claimsSettledYen: 0, adjustments: 1, claimReservesAdjustedYen: 0, claimsPaidYen: 0, remittancesReceivedYen: 0,
    });
  });
});

describe('bordereaux', () => {
  it('lists one premium line per policy transaction, in business order, and one claim line with its reserve outstanding', () => {
    const premium = buildPremiumBordereau('demo', '2026-11', true, [...entries].reverse());
    expect(premium.lines.map((l) => [l.transactionType, l.grossPremiumYen, l.returnPremiumYen, l.feeYen, l.netDueYen])).toEqual([
      ['new', 1000, 0, 0, 1000],
      ['extension', 300, 0, 0, 300],
      ['no-show', 0, 800, 300, -500],
    ]);
    expect(premium.lines[0]).toMatchObject({ transactionDate: '2026-11-05T09:00:00+09:00', riskInception: '2026-11-05T10:00:00+09:00', riskExpiry: '2026-11-05T14:00:00+09:00', reference: 'p1:policy.bound:demo:e1' });
    const claims = buildClaimsBordereau('demo', '2026-11', true, entries, entries);
    expect(claims.lines).toEqual([expect.objectContaining({ claimNumber: 'FNOL-20261106-ABCD', reserveOpenedYen: 200_000, incurredMovementYen: 200_000, outstandingReserveYen: 200_000, lossDate: '2026-11-06T11:00:00+09:00' })]);
  });
});

describe('a claim whose reserve a handler changed, then closed and paid in two parts', () => {
  const claimEntry = (kind: 'adjusted' | 'settled' | 'paid', yen: number, id: string, day: string) =>
    postClaimMovement({ sourceEventId: id, kind, partnerId: 'demo', policyId: 'p1', claimId: 'c1', reserveYen: yen, businessAt: at(`${day}T03:00:00Z`) }).map((e) => ({ ...e, periodDay: day, originalDay: null, policy: null, claim: claimRef }));
  const opened = entries.filter((e) => e.claimId === 'c1');
  const december = [
    ...claimEntry('adjusted', -50_000, 'c1:claim.reserve-changed:1', '2026-12-02'),
    ...claimEntry('adjusted', 30_000, 'c1:claim.reserve-changed:2', '2026-12-03'),
    ...claimEntry('settled', 180_000, 'c1:claim.closed:3', '2026-12-04'),
    ...claimEntry('paid', 100_000, 'c1:claim.paid:TR-1', '2026-12-05'),
    ...claimEntry('paid', 50_000, 'c1:claim.paid:TR-2', '2026-12-06'),
  ];

  it('shows the net change, the payments and what is still payable (hand-checked: 200,000 - 50,000 + 30,000 = 180,000 settled, 150,000 paid)', () => {
    const sut = buildClaimsBordereau('demo', '2026-12', true, december, [...opened, ...december]);
    expect(sut.lines).toEqual([
      expect.objectContaining({ reserveOpenedYen: 0, reserveAdjustedYen: -20_000, incurredMovementYen: -20_000, settledYen: 180_000, paidYen: 150_000, outstandingPayableYen: 30_000, outstandingReserveYen: 0 }),
    ]);
    expect(buildStatement('demo', '2026-12', true, december)).toMatchObject({ claimReservesAdjustedYen: -20_000, claimsSettledYen: 180_000, claimsPaidYen: 150_000 });
  });
});

describe(renderStatement.name, () => {
  it('renders the same period to the same bytes and SHA-256, whatever order the entries came in', () => {
    const a = renderStatement({ kind: 'premium-bordereau', body: buildPremiumBordereau('demo', '2026-11', true, entries) }, 'csv');
    const b = renderStatement({ kind: 'premium-bordereau', body: buildPremiumBordereau('demo', '2026-11', true, [...entries].reverse()) }, 'csv');
    expect(b.bytes.equals(a.bytes)).toBe(true);
    expect(b.sha256).toBe(a.sha256);
    expect(a.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(a.filename).toBe('premium-bordereau-demo-2026-11.csv');
  });

  it('writes CSV with a header, CRLF and formula-looking cells defused', () => {
    const sut = renderStatement({ kind: 'premium-bordereau', body: buildPremiumBordereau('demo', '2026-11', true, entries) }, 'csv').bytes.toString();
    const [header, first] = sut.split('\r\n');
    expect(header?.startsWith('partnerId,period,periodStart,periodEnd,closed,policyNumber,bookingId,transactionType')).toBe(true);
    expect(first).toContain(`"'=HYPERLINK(""x"")"`);
    expect(sut.endsWith('\r\n')).toBe(true);
  });

  it('keeps its columns when a period has no lines', () => {
    const sut = renderStatement({ kind: 'claims-bordereau', body: buildClaimsBordereau('demo', '2026-10', true, [], []) }, 'csv').bytes.toString();
    expect(sut).toBe('partnerId,period,periodStart,periodEnd,closed,claimNumber,policyNumber,bookingId,lossDate,notifiedDate,cause,reserveOpenedYen,reserveReleasedYen,settledYen,incurredMovementYen,outstandingReserveYen,reserveAdjustedYen,paidYen,outstandingPayableYen\r\n');
  });

  it('quotes commas and line breaks', () => {
    expect(toCsv(['a', 'b'], [{ a: 'x,y', b: 'line\nbreak' }])).toBe('a,b\r\n"x,y","line\nbreak"\r\n');
  });
});
