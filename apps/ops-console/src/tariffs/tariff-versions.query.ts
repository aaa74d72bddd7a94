import type { SqlTx, TariffVersionRepository } from '@kuruma/data-access-db';
import { canonicalTariffJson, compareTariffs, governedSupersessions, type TariffComparison, tariffLifecycleAt, type TariffLifecycleView, type TariffVersionRecord } from '@kuruma/domain-rating';
import { NotFoundError } from '@kuruma/service-kit';

export interface TariffVersionListItem extends TariffVersionRecord, TariffLifecycleView {}

/** The console's reads of the governed tariffs: versions with their state now, one with its document and history, two compared. */
export class TariffVersionsQuery {
  constructor(
    private readonly store: TariffVersionRepository,
    private readonly db: SqlTx,
  ) {}

  /** States as pricing sees them: the schedule, the clock, and `supersedes` named in scheduled documents. */
  private async lifecycle(now: Date) {
    const [records, approved] = await Promise.all([this.store.records(), this.store.approved()]);
    return { records, views: tariffLifecycleAt(records, now, governedSupersessions(approved)) };
  }

  async list(now = new Date()): Promise<{ items: TariffVersionListItem[] }> {
    const { records, views } = await this.lifecycle(now);
    return { items: records.map((r) => ({ ...r, ...(views.get(r.version) as TariffLifecycleView) })) };
  }

  async detail(version: string, now = new Date()) {
    const found = await this.store.find(version);
    if (!found) throw new NotFoundError(`tariff version ${version} not found`);
    const { views } = await this.lifecycle(now);
    const audit = await this.db.$queryRaw<unknown[]>`
      SELECT actor, role, action, details, at FROM audit_log WHERE target_type = 'tariff' AND target_id = ${version} ORDER BY at`;
    return { ...found.record, ...views.get(version), document: JSON.parse(canonicalTariffJson(found.tariff.data)) as unknown, audit };
  }

  async compare(a: string, b: string): Promise<TariffComparison> {
    const [ta, tb] = await Promise.all([this.store.find(a), this.store.find(b)]);
    if (!ta) throw new NotFoundError(`tariff version ${a} not found`);
    if (!tb) throw new NotFoundError(`tariff version ${b} not found`);
    return compareTariffs(ta.tariff, tb.tariff);
  }
}
