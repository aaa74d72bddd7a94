import type { SqlTx } from '../sql/sql-database';

/** A calibration run as stored (`calibration_run`, append-only). */
export interface CalibrationRunRecord {
  id: string;
  periodFrom: Date;
  periodTo: Date;
  holdOutFrom: Date;
  basedOnVersion: string;
  draftVersion: string | null;
  report: unknown;
  reportMarkdown: string;
  createdBy: string;
  createdAt?: Date;
}

export class CalibrationRunRepository {
  constructor(private readonly db: SqlTx) {}

  async record(run: CalibrationRunRecord): Promise<void> {
    await this.db.$executeRaw`
      INSERT INTO calibration_run (id, period_from, period_to, hold_out_from, based_on_version, draft_version, report, report_markdown, created_by)
      VALUES (${run.id}, ${run.periodFrom}, ${run.periodTo}, ${run.holdOutFrom}, ${run.basedOnVersion}, ${run.draftVersion}, ${JSON.stringify(run.report)}::jsonb,
              ${run.reportMarkdown}, ${run.createdBy})`;
  }

  /** The runs, newest first, without their reports (the list). */
  async list(limit = 50): Promise<Omit<CalibrationRunRecord, 'report' | 'reportMarkdown'>[]> {
    return this.db.$queryRaw`
      SELECT id, period_from AS "periodFrom", period_to AS "periodTo", hold_out_from AS "holdOutFrom", based_on_version AS "basedOnVersion",
             draft_version AS "draftVersion", created_by AS "createdBy", created_at AS "createdAt"
        FROM calibration_run ORDER BY created_at DESC, id LIMIT ${limit}`;
  }

  async find(id: string): Promise<CalibrationRunRecord | undefined> {
    const [row] = await this.db.$queryRaw<CalibrationRunRecord[]>`
      SELECT id, period_from AS "periodFrom", period_to AS "periodTo", hold_out_from AS "holdOutFrom", based_on_version AS "basedOnVersion",
             draft_version AS "draftVersion", report, report_markdown AS "reportMarkdown", created_by AS "createdBy", created_at AS "createdAt"
        FROM calibration_run WHERE id = ${id}`;
    return row;
  }
}
