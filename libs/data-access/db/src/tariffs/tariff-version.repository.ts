import { createHash } from 'node:crypto';
import { canonicalTariffJson, loadTariff, type StoredTariffVersion, type Tariff, type TariffVersionRecord } from '@kuruma/domain-rating';
import type { SqlTransactional, SqlTx } from '../sql/sql-database';

/** A row as selected below: the lifecycle facts under the domain's names. */
type TariffVersionRow = TariffVersionRecord;

const recordOf = (row: TariffVersionRow): TariffVersionRecord => ({ ...row });

/** Written in the same transaction as a lifecycle fact (the audit entry), so neither exists without the other. */
export type AlsoInTransaction = (tx: SqlTx, record: TariffVersionRecord) => Promise<void>;

/** Who the seed records for the shipped files: they were drafted in the repository and reviewed before release. */
export const SHIPPED_TARIFF_AUTHOR = 'release:repository';
export const SHIPPED_TARIFF_APPROVER = 'release:code-review';

/**
 * The governed store of tariff versions (`tariff_version`): content-addressed, immutable
 * documents and their lifecycle facts. The lifecycle rules are the domain's
 * (tariff-lifecycle.ts); this stores their results and the database re-checks the invariants
 * (four eyes, content address, write-once facts, no deletes).
 */
export class TariffVersionRepository {
  constructor(private readonly db: SqlTransactional) {}

  /** Every version's lifecycle facts, newest draft first (the console's list). */
  async records(): Promise<TariffVersionRecord[]> {
    const rows = await this.db.$queryRaw<TariffVersionRow[]>`
      SELECT version, tariff_id AS "tariffId", drafted_by AS "draftedBy", drafted_at AS "draftedAt", approved_by AS "approvedBy",
             approved_at AS "approvedAt", scheduled_by AS "scheduledBy", scheduled_at AS "scheduledAt", effective_from AS "effectiveFrom"
        FROM tariff_version ORDER BY drafted_at DESC, version`;
    return rows.map(recordOf);
  }

  /** Every approved version with its document: what pricing and policy load into their registry. */
  async approved(): Promise<StoredTariffVersion[]> {
    const rows = await this.db.$queryRaw<(TariffVersionRow & { document: string })[]>`
      SELECT version, tariff_id AS "tariffId", drafted_by AS "draftedBy", drafted_at AS "draftedAt", approved_by AS "approvedBy",
             approved_at AS "approvedAt", scheduled_by AS "scheduledBy", scheduled_at AS "scheduledAt", effective_from AS "effectiveFrom", document
        FROM tariff_version WHERE approved_at IS NOT NULL`;
    return rows.map(({ document, ...row }) => ({ record: recordOf(row), document: JSON.parse(document) as unknown }));
  }

  /** One version with its document as a {@link Tariff} (at its scheduled instant, if any), or undefined. */
  async find(version: string): Promise<{ record: TariffVersionRecord; tariff: Tariff } | undefined> {
    const [row] = await this.db.$queryRaw<(TariffVersionRow & { document: string })[]>`
      SELECT version, tariff_id AS "tariffId", drafted_by AS "draftedBy", drafted_at AS "draftedAt", approved_by AS "approvedBy",
             approved_at AS "approvedAt", scheduled_by AS "scheduledBy", scheduled_at AS "scheduledAt", effective_from AS "effectiveFrom", document
        FROM tariff_version WHERE version = ${version}`;
    if (!row) return undefined;
    const { document, ...rest } = row;
    return { record: recordOf(rest), tariff: loadTariff(JSON.parse(document), rest.effectiveFrom ?? undefined) };
  }

  /**
   * Stores a new draft (and `within` in its transaction). Content-addressed: the same document drafted again is the same version,
   * so the existing row is returned with `created: false` (its author and state unchanged).
   */
  async draft(record: TariffVersionRecord, canonicalDocument: string, within?: AlsoInTransaction): Promise<{ created: boolean; record: TariffVersionRecord }> {
    const sha256 = createHash('sha256').update(canonicalDocument).digest('hex');
    const created = await this.db.$transaction(async (tx) => {
      const inserted = await tx.$executeRaw`
        INSERT INTO tariff_version (version, tariff_id, sha256, document, drafted_by, drafted_at)
        VALUES (${record.version}, ${record.tariffId}, ${sha256}, ${canonicalDocument}, ${record.draftedBy}, ${record.draftedAt})
        ON CONFLICT DO NOTHING`;
      if (inserted === 1) await within?.(tx, record);
      return inserted === 1;
    });
    const stored = await this.find(record.version);
    if (!stored) throw new Error(`tariff ${record.version} collides with a stored version of other content`);
    return { created, record: stored.record };
  }

  /**
   * A lifecycle step under a row lock: `step` sees the current facts and returns the next (or
   * throws the domain's refusal), so two approvers racing cannot both approve.
   */
  async transition(version: string, step: (current: TariffVersionRecord) => TariffVersionRecord, within?: AlsoInTransaction): Promise<TariffVersionRecord | undefined> {
    return this.db.$transaction(async (tx: SqlTx) => {
      const [row] = await tx.$queryRaw<TariffVersionRow[]>`
        SELECT version, tariff_id AS "tariffId", drafted_by AS "draftedBy", drafted_at AS "draftedAt", approved_by AS "approvedBy",
               approved_at AS "approvedAt", scheduled_by AS "scheduledBy", scheduled_at AS "scheduledAt", effective_from AS "effectiveFrom"
          FROM tariff_version WHERE version = ${version} FOR UPDATE`;
      if (!row) return undefined;
      const next = step(recordOf(row));
      await tx.$executeRaw`
        UPDATE tariff_version
           SET approved_by = ${next.approvedBy}, approved_at = ${next.approvedAt}, scheduled_by = ${next.scheduledBy},
               scheduled_at = ${next.scheduledAt}, effective_from = ${next.effectiveFrom}
         WHERE version = ${version}`;
      await within?.(tx, next);
      return next;
    });
  }

  /**
   * The files this build ships, as approved versions scheduled at their own `effectiveFrom`.
   * Idempotent: a file already stored is left alone; an edited file is a new version which, approved
   * later at the same instant, supersedes the old one for new cover while the old one stays
   * resolvable for the policies bound under it. Returns the versions inserted.
   */
  async seedShipped(documents: readonly unknown[], now: Date): Promise<string[]> {
    const inserted: string[] = [];
    // Approved one millisecond apart in list order: the list is the order of filing, so of two
    // files for the same instant the later-listed one is the later approval and wins.
    for (const [i, document] of documents.entries()) {
      const approvedAt = new Date(now.getTime() + i);
      const tariff = loadTariff(document);
      const canonical = canonicalTariffJson(document);
      const count = await this.db.$executeRaw`
        INSERT INTO tariff_version (version, tariff_id, sha256, document, drafted_by, drafted_at, approved_by, approved_at, scheduled_by, scheduled_at, effective_from)
        VALUES (${tariff.version}, ${tariff.data.id}, ${tariff.hash}, ${canonical}, ${SHIPPED_TARIFF_AUTHOR}, ${now},
                ${SHIPPED_TARIFF_APPROVER}, ${approvedAt}, ${SHIPPED_TARIFF_AUTHOR}, ${approvedAt}, ${tariff.effectiveFrom})
        ON CONFLICT DO NOTHING`;
      if (count === 1) inserted.push(tariff.version);
    }
    return inserted;
  }
}
