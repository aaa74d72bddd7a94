import { Body, Controller, Get, HttpCode, Inject, Param, ParseUUIDPipe, Post, Query, UseGuards } from '@nestjs/common';
import { z } from 'zod';
import { ProblemException, ZodValidationPipe } from '@kuruma/service-kit';
import type { OpsIdentity } from '../auth/identity-provider';
import { OpsSessionGuard, OpsUser } from '../auth/ops-session.guard';
import { AuditRoleRefusal, Roles } from '../auth/roles.decorator';
import { DeadLetterQueries } from './dead-letter.queries';
import { RedriveDeadLettersUseCase } from './redrive-dead-letters.use-case';
import { redriveSelection, type RedriveSelection } from './redrive-selection';

const listParams = z.strictObject({
  topic: z.string().regex(/^[A-Za-z0-9._-]{1,249}$/).optional(),
  reason: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/**
 * Dead letters for operators: every signed-in user lists and reads them; only an admin redrives
 * (it writes to the platform's topics), and a refused attempt is audited like a claim action.
 */
@Controller('api/dead-letters')
@UseGuards(OpsSessionGuard)
export class DeadLettersController {
  constructor(
    @Inject(DeadLetterQueries) private readonly queries: DeadLetterQueries,
    @Inject(RedriveDeadLettersUseCase) private readonly redriveUseCase: RedriveDeadLettersUseCase,
  ) {}

  @Get('groups')
  async groups() {
    return { items: await this.queries.groups() };
  }

  @Get()
  list(@Query(new ZodValidationPipe(listParams, 'invalid dead-letter filter')) filter: z.infer<typeof listParams>) {
    return this.queries.list(filter);
  }

  @Get(':id')
  async one(@Param('id', new ParseUUIDPipe({ exceptionFactory: () => ProblemException.badRequest('id must be a UUID', [{ field: 'id', message: 'a dead letter id' }]) })) id: string) {
    const found = await this.queries.one(id);
    if (!found) throw ProblemException.notFound(`dead letter ${id} not found`);
    return found;
  }

  @Post('redrive')
  @HttpCode(200)
  @Roles('admin')
  @AuditRoleRefusal({ attempt: 'redrive dead letters', auditAction: 'dead-letter.redrive-refused', targetType: 'dead-letter', targetParam: 'id' })
  redrive(@OpsUser() who: OpsIdentity, @Body(new ZodValidationPipe(redriveSelection, 'invalid redrive selection')) selection: RedriveSelection) {
    return this.redriveUseCase.execute(who, selection);
  }
}
