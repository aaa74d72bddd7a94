import { LedgerRepository, type SqlTx } from '@kuruma/data-access-db';
import { lossRatioByPlan } from '@kuruma/domain-ledger';

export interface LiveFigures {
  asOf: string;
  policiesInForce: number;
  boundToday: number;
  premiumWrittenTodayYen: number;
  claimsOpenedToday: number;
  openProvisionalClaims: number;
  lossRatioByPlan: { plan: string; earnedPremiumYen: number; incurredYen: number; lossRatio: number | null }[];
  hourly: { hour: string; bound: number; premiumYen: number; claims: number }[];
}

/** Start of the current day in Japan (the business day of a Japanese insurer). */
export function startOfJapanDay(now: Date): Date {
  const jst = new Date(now.getTime() + 9 * 3600_000);
  return new Date(Date.UTC(jst.getUTCFullYear(), jst.getUTCMonth(), jst.getUTCDate()) - 9 * 3600_000);
}

/**
 * The console's headline figures, straight from the system of record. Loss ratio is incurred
 * losses (claim reserves opened less released, from the premium ledger) over **earned** premium
 * (the ledger's premium earned pro rata by minute, docs/ledger.md) over the last 30 days, per plan.
 */
export class LiveFiguresQuery {
  constructor(private readonly db: SqlTx) {}

  async run(now = new Date()): Promise<LiveFigures> {
    const today = startOfJapanDay(now);
    const since = new Date(now.getTime() - 30 * 24 * 3600_000);
    const hoursFrom = new Date(now.getTime() - 12 * 3600_000);
    // Counts and bigint sums come back from node-postgres as strings, hence the Number()s below.
    const [inForce, bound, endorsed, claims, provisional, ledger, hourlyPolicies, hourlyClaims] = await Promise.all([
      this.db.$queryRaw<{ n: string }[]>`SELECT count(*) AS n FROM policy WHERE status IN ('bound','active') AND cover_start <= ${now} AND cover_end > ${now}`,
      this.db.$queryRaw<{ n: string; yen: string | null }[]>`SELECT count(*) AS n, sum(premium_yen - refund_yen) AS yen FROM policy WHERE bound_at >= ${today}`,
      this.db.$queryRaw<{ yen: string | null }[]>`SELECT sum(e.premium_delta_yen - e.refund_yen) AS yen FROM endorsement e JOIN policy p ON p.id = e.policy_id WHERE e.created_at >= ${today} AND p.bound_at < ${today}`,
      this.db.$queryRaw<{ n: string }[]>`SELECT count(*) AS n FROM claim WHERE opened_at >= ${today}`,
      this.db.$queryRaw<{ n: string }[]>`SELECT count(*) AS n FROM claim WHERE status = 'provisional'`,
      new LedgerRepository().entriesWithPlan(this.db, now),
      this.db.$queryRaw<{ hour: Date; n: string; yen: string | null }[]>`SELECT date_trunc('hour', bound_at) AS hour, count(*) AS n, sum(premium_yen) AS yen FROM policy WHERE bound_at >= ${hoursFrom} GROUP BY 1`,
      this.db.$queryRaw<{ hour: Date; n: string }[]>`SELECT date_trunc('hour', opened_at) AS hour, count(*) AS n FROM claim WHERE opened_at >= ${hoursFrom} GROUP BY 1`,
    ]);
    const lossRatio = lossRatioByPlan(ledger, since, now);
    const hourly = Array.from({ length: 12 }, (_, i) => {
      const hour = new Date(Math.floor(now.getTime() / 3600_000) * 3600_000 - (11 - i) * 3600_000);
      const p = hourlyPolicies.find((r) => r.hour.getTime() === hour.getTime());
      const c = hourlyClaims.find((r) => r.hour.getTime() === hour.getTime());
      return { hour: hour.toISOString(), bound: Number(p?.n ?? 0), premiumYen: Number(p?.yen ?? 0), claims: Number(c?.n ?? 0) };
    });
    return {
      asOf: now.toISOString(),
      policiesInForce: Number(inForce[0]?.n ?? 0),
      boundToday: Number(bound[0]?.n ?? 0),
      premiumWrittenTodayYen: Number(bound[0]?.yen ?? 0) + Number(endorsed[0]?.yen ?? 0),
      claimsOpenedToday: Number(claims[0]?.n ?? 0),
      openProvisionalClaims: Number(provisional[0]?.n ?? 0),
      lossRatioByPlan: lossRatio,
      hourly,
    };
  }
}
