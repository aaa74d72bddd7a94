import { Controller, Get, Inject, Param, Res, UseGuards } from '@nestjs/common';
import { CalibrationRunRepository, SqlDatabase } from '@kuruma/data-access-db';
import { NotFoundError, ProblemException } from '@kuruma/service-kit';
import { OpsSessionGuard } from '../auth/ops-session.guard';

const refuse = (field: string, message: string) => ProblemException.badRequest(`${field}: ${message}`, [{ field, message }]);
/** Run ids as `npm run calibrate` makes them: Japan date and time, then six hex digits. */
const RUN_ID = /^\d{8}-\d{6}-[0-9a-f]{6}$/;
const CHART = /^[a-z0-9.-]{1,80}$/;

type StoredReport = Record<string, unknown> & { charts?: Record<string, string> };

/**
 * The console's pricing page (docs/pricing-calibration.md): calibration runs, their figures and
 * charts, and the draft each produced, which the Tariffs page approves and schedules. Read-only:
 * runs are made by `npm run calibrate`. Charts are served as image/svg+xml for <img>, where an
 * SVG can run no script.
 */
@Controller('api/calibration-runs')
@UseGuards(OpsSessionGuard)
export class CalibrationRunsController {
  private readonly runs: CalibrationRunRepository;

  constructor(@Inject(SqlDatabase) db: SqlDatabase) {
    this.runs = new CalibrationRunRepository(db);
  }

  @Get()
  async list() {
    return { items: await this.runs.list() };
  }

  @Get(':id')
  async one(@Param('id') id: string) {
    const run = await this.find(id);
    const { charts, ...report } = run.report as StoredReport;
    const { reportMarkdown: _markdown, ...meta } = run;
    return { ...meta, report, charts: Object.keys(charts ?? {}).sort() };
  }

  @Get(':id/charts/:name')
  async chart(@Param('id') id: string, @Param('name') name: string, @Res({ passthrough: true }) reply: { header(name: string, value: string): unknown }): Promise<string> {
    if (!CHART.test(name)) throw refuse('name', 'a chart name of the run');
    const svg = ((await this.find(id)).report as StoredReport).charts?.[name];
    if (svg === undefined) throw new NotFoundError(`calibration run ${id} has no chart ${name}`);
    reply.header('content-type', 'image/svg+xml; charset=utf-8');
    return svg;
  }

  private async find(id: string) {
    if (!RUN_ID.test(id)) throw refuse('id', 'a calibration run id (YYYYMMDD-HHMMSS-xxxxxx)');
    const run = await this.runs.find(id);
    if (!run) throw new NotFoundError(`calibration run ${id} not found`);
    return run;
  }
}
