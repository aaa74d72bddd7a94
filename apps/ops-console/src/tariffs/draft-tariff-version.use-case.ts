import type { TariffVersionRepository } from '@kuruma/data-access-db';
import { draftTariffVersion, parseTariffDocument, type TariffVersionRecord } from '@kuruma/domain-rating';
import { AuditLog } from '../audit/audit-log';
import type { OpsIdentity } from '../auth/identity-provider';
import { tariffRefusal } from './tariff-errors';

/**
 * A pasted or uploaded tariff document becomes a draft version named by its content. The same
 * content drafted again is the same version (`created: false`, author unchanged). Audited in the
 * draft's transaction.
 */
export class DraftTariffVersionUseCase {
  constructor(private readonly store: TariffVersionRepository) {}

  async execute(author: OpsIdentity, documentText: string, now = new Date()): Promise<{ created: boolean; record: TariffVersionRecord }> {
    let parsed: ReturnType<typeof parseTariffDocument>;
    try {
      parsed = parseTariffDocument(documentText);
    } catch (error) {
      throw tariffRefusal(error);
    }
    const { tariff, canonical } = parsed;
    const draft = draftTariffVersion(tariff.version, tariff.data.id, author.username, now);
    return this.store.draft(draft, canonical, (tx) => new AuditLog(tx).record(author, 'tariff.draft', 'tariff', tariff.version, { tariffId: tariff.data.id, sha256: tariff.hash }));
  }
}
