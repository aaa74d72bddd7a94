import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, UseGuards } from '@nestjs/common';
import { z } from 'zod';
import { MAX_TARIFF_DOCUMENT_BYTES } from '@kuruma/domain-rating';
import { NotFoundError, ZodValidationPipe } from '@kuruma/service-kit';
import type { OpsIdentity } from '../auth/identity-provider';
import { OpsSessionGuard, OpsUser } from '../auth/ops-session.guard';
import { AuditRoleRefusal, Roles } from '../auth/roles.decorator';
import { DraftTariffVersionUseCase } from './draft-tariff-version.use-case';
import { TariffLifecycleStepUseCase } from './tariff-lifecycle-step.use-case';
import { TARIFF_ACTUARIES, TARIFF_AUTHORS, TARIFF_VERSION_PATTERN } from './tariff-roles';
import { TariffVersionsQuery } from './tariff-versions.query';

/** The document as text, exactly as pasted or uploaded: its content (not its formatting) names the version. */
const draftBody = z.object({ document: z.string().min(1).max(MAX_TARIFF_DOCUMENT_BYTES) }).strict();
/** An instant with its zone; the console sends Japan time (+09:00). */
const scheduleBody = z.object({ effectiveFrom: z.iso.datetime({ offset: true }) }).strict();

function versionParam(version: string): string {
  if (!TARIFF_VERSION_PATTERN.test(version)) throw new NotFoundError(`tariff version ${version.slice(0, 120)} not found`);
  return version;
}

@Controller('api/tariffs')
@UseGuards(OpsSessionGuard)
export class TariffsController {
  constructor(
    @Inject(TariffVersionsQuery) private readonly query: TariffVersionsQuery,
    @Inject(DraftTariffVersionUseCase) private readonly drafting: DraftTariffVersionUseCase,
    @Inject(TariffLifecycleStepUseCase) private readonly lifecycle: TariffLifecycleStepUseCase,
  ) {}

  @Get()
  list() {
    return this.query.list();
  }

  /** Declared before `:version`: the difference of two versions, figures and reference premiums. */
  @Get('compare')
  compare(@Query('a') a = '', @Query('b') b = '') {
    return this.query.compare(versionParam(a), versionParam(b));
  }

  @Get(':version')
  detail(@Param('version') version: string) {
    return this.query.detail(versionParam(version));
  }

  @Post()
  @HttpCode(201)
  @Roles(...TARIFF_AUTHORS)
  @AuditRoleRefusal({ attempt: 'draft tariffs', auditAction: 'tariff.draft-refused', targetType: 'tariff', targetParam: 'version' })
  draft(@OpsUser() user: OpsIdentity, @Body(new ZodValidationPipe(draftBody)) body: z.infer<typeof draftBody>) {
    return this.drafting.execute(user, body.document);
  }

  @Post(':version/approve')
  @HttpCode(200)
  @Roles(...TARIFF_ACTUARIES)
  @AuditRoleRefusal({ attempt: 'approve tariffs', auditAction: 'tariff.approve-refused', targetType: 'tariff', targetParam: 'version' })
  approve(@OpsUser() user: OpsIdentity, @Param('version') version: string) {
    return this.lifecycle.approve(user, versionParam(version));
  }

  @Post(':version/schedule')
  @HttpCode(200)
  @Roles(...TARIFF_ACTUARIES)
  @AuditRoleRefusal({ attempt: 'schedule tariffs', auditAction: 'tariff.schedule-refused', targetType: 'tariff', targetParam: 'version' })
  schedule(@OpsUser() user: OpsIdentity, @Param('version') version: string, @Body(new ZodValidationPipe(scheduleBody)) body: z.infer<typeof scheduleBody>) {
    return this.lifecycle.schedule(user, versionParam(version), new Date(body.effectiveFrom));
  }
}
