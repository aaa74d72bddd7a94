import { accountBalances, addPositions, type EarningEntry, type PremiumPosition, premiumAt, ZERO_POSITION } from './earned-premium';
import type { JournalEntry } from './journal-entry';
import { japanDay, periodBounds } from './periods';

/** An entry as the finance figures read it: whose, which policy or claim, and the policy's plan. */
export type FigureEntry = EarningEntry & Pick<JournalEntry, 'partnerId' | 'policyId' | 'claimId'> & { plan: string | null };

/** Incurred losses (5100, debits - credits) of entries with a business instant in [from, to). */
export const incurredBetween = (entries: readonly FigureEntry[], from: Date, to: Date): number =>
  accountBalances(entries.filter((e) => e.businessAt >= from && e.businessAt < to)).get('5100') ?? 0;

const groupBy = <K>(entries: readonly FigureEntry[], key: (e: FigureEntry) => K) => {
  const out = new Map<K, FigureEntry[]>();
  for (const e of entries) out.set(key(e), [...(out.get(key(e)) ?? []), e]);
  return out;
};

/** Written, earned and unearned premium and incurred losses per partner at `at`. */
export function partnerPositions(entries: readonly FigureEntry[], at: Date): (PremiumPosition & { partnerId: string; incurredYen: number })[] {
  return [...groupBy(entries, (e) => e.partnerId).entries()]
    .map(([partnerId, own]) => ({ partnerId, ...premiumAt(own, at), incurredYen: incurredBetween(own, new Date(0), at) }))
    .sort((a, b) => (a.partnerId < b.partnerId ? -1 : 1));
}

/** Premium earned in [from, to): earned at `to` less earned at `from`. */
export const earnedBetween = (entries: readonly FigureEntry[], from: Date, to: Date): number => premiumAt(entries, to).earnedYen - premiumAt(entries, from).earnedYen;

/** Loss ratio per plan over [from, to): incurred losses over earned premium (not written). */
export function lossRatioByPlan(entries: readonly FigureEntry[], from: Date, to: Date): { plan: string; earnedPremiumYen: number; incurredYen: number; lossRatio: number | null }[] {
  return [...groupBy(entries, (e) => e.plan ?? 'unknown').entries()]
    .map(([plan, own]) => {
      const earnedPremiumYen = earnedBetween(own, from, to);
      const incurredYen = incurredBetween(own, from, to);
      return { plan, earnedPremiumYen, incurredYen, lossRatio: earnedPremiumYen > 0 ? incurredYen / earnedPremiumYen : null };
    })
    .sort((a, b) => (a.plan < b.plan ? -1 : 1));
}

/** Written and earned premium and incurred losses per Japan day, for the `days` days up to the one holding `at`. */
export function dailyFigures(entries: readonly FigureEntry[], at: Date, days: number): { day: string; writtenYen: number; earnedYen: number; incurredYen: number }[] {
  const out: { day: string; writtenYen: number; earnedYen: number; incurredYen: number }[] = [];
  let end = periodBounds(japanDay(at)).end;
  for (let i = 0; i < days; i += 1) {
    const start = new Date(end.getTime() - 86_400_000);
    const inDay = entries.filter((e) => e.businessAt >= start && e.businessAt < end);
    const written = [...inDay].reduce((s, e) => s + e.lines.reduce((t, l) => t + (l.account === '4100' ? l.creditYen - l.debitYen : 0), 0), 0);
    out.unshift({ day: japanDay(start), writtenYen: written, earnedYen: earnedBetween(entries, start, end), incurredYen: incurredBetween(entries, start, end) });
    end = start;
  }
  return out;
}

export const totalPosition = (rows: readonly PremiumPosition[]): PremiumPosition => rows.reduce(addPositions, ZERO_POSITION);
