import type { TariffVersionRepository } from '@kuruma/data-access-db';
import { approveTariffVersion, scheduleTariffVersion, TariffLifecycleError, type TariffVersionRecord, toJapanTime } from '@kuruma/domain-rating';
import { NotFoundError } from '@kuruma/service-kit';
import { AuditLog } from '../audit/audit-log';
import type { OpsIdentity } from '../auth/identity-provider';
import { tariffRefusal } from './tariff-errors';

/**
 * Approve and schedule: the domain decides under the version's row lock (so two actuaries cannot
 * race), the change and its audit entry commit together, and a refused attempt (four eyes, role,
 * order of steps) is audited too. Pricing and policy hear of the change through the table's
 * NOTIFY and load it without a restart.
 */
export class TariffLifecycleStepUseCase {
  constructor(
    private readonly store: TariffVersionRepository,
    private readonly audit: AuditLog,
  ) {}

  /** By a second person with the actuary role: never the author. */
  approve(approver: OpsIdentity, version: string, now = new Date()): Promise<TariffVersionRecord> {
    return this.step(approver, version, 'tariff.approve', (current) => approveTariffVersion(current, { username: approver.username, actuary: approver.role === 'actuary' }, now));
  }

  /** An approved version applies to cover starting at or after `effectiveFrom`, a future instant. */
  schedule(actor: OpsIdentity, version: string, effectiveFrom: Date, now = new Date()): Promise<TariffVersionRecord> {
    return this.step(actor, version, 'tariff.schedule', (current) => scheduleTariffVersion(current, actor.username, effectiveFrom, now), { effectiveFrom: toJapanTime(effectiveFrom) });
  }

  private async step(actor: OpsIdentity, version: string, action: string, rule: (current: TariffVersionRecord) => TariffVersionRecord, details?: object): Promise<TariffVersionRecord> {
    try {
      const changed = await this.store.transition(version, rule, (tx) => new AuditLog(tx).record(actor, action, 'tariff', version, details));
      if (!changed) throw new NotFoundError(`tariff version ${version} not found`);
      return changed;
    } catch (error) {
      if (error instanceof TariffLifecycleError) await this.audit.record(actor, `${action}-refused`, 'tariff', version, { reason: error.code, ...details });
      throw tariffRefusal(error);
    }
  }
}
