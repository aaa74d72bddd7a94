import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, UseGuards } from '@nestjs/common';
import { type ClaimPaymentV1, claimPaymentV1Schema, type ClaimReserveChangeV1, claimReserveChangeV1Schema } from '@kuruma/contracts';
import { type ClaimPosition, ClaimReads, SqlDatabase } from '@kuruma/data-access-db';
import { Idempotent, PageCursors, pageOf, ProblemException, ZodValidationPipe } from '@kuruma/service-kit';
import { ChangeClaimReserveUseCase } from './change-claim-reserve.use-case';
import { type Actor, type ClaimAction, ChangeClaimStatusUseCase } from './change-claim-status.use-case';
import { RecordClaimPaymentUseCase } from './record-claim-payment.use-case';
import { ClaimActor, ClaimActorGuard, claimActorOf, type ClaimActorRequest } from './claim-actor.guard';

const OPS_ROLES = new Set(['claims-handler', 'admin']);
/** A claim action's Idempotency-Key belongs to whoever acts: the partner, or the ops user. */
const CLAIM_ACTION_KEYS = {
  scopeOf: (req: ClaimActorRequest) => {
    const actor = claimActorOf(req);
    return actor.partnerId ? `partner:${actor.partnerId}` : `ops:${actor.name}`;
  },
};

/**
 * Partners see and act on their own vehicles' claims; the ops console acts for a signed-in ops user.
 * Each route takes its guard itself: an unknown action is answered 404 before any credentials are read.
 */
@Controller('v1/claims')
export class ClaimsController {
  private readonly reads: ClaimReads;

  constructor(
    @Inject(SqlDatabase) sql: SqlDatabase,
    @Inject(ChangeClaimStatusUseCase) private readonly change: ChangeClaimStatusUseCase,
    @Inject(PageCursors) private readonly cursors: PageCursors,
    @Inject(ChangeClaimReserveUseCase) private readonly reserve: ChangeClaimReserveUseCase,
    @Inject(RecordClaimPaymentUseCase) private readonly payment: RecordClaimPaymentUseCase,
  ) {
    this.reads = new ClaimReads(sql);
  }

  @Get()
  @UseGuards(ClaimActorGuard)
  async list(@ClaimActor() actor: Actor, @Query('vehicleId') vehicleId?: string, @Query('status') status?: string, @Query('limit') limit?: string, @Query('cursor') cursor?: string) {
    const caller = actor.partnerId ? `partner:${actor.partnerId}` : 'ops';
    const list = `claims ${JSON.stringify([vehicleId ?? '', status ?? ''])}`;
    const page = this.cursors.query<ClaimPosition>(caller, list, limit, cursor);
    const rows = await this.reads.page({ partnerId: actor.partnerId || undefined, vehicleId: vehicleId || undefined, status: status || undefined }, page.limit + 1, page.after);
    const { shown, nextCursor } = pageOf(rows, page.limit, (last) => this.cursors.seal(caller, list, [new Date(last.openedAt).toISOString(), last.id]));
    return { items: shown, nextCursor };
  }

  @Get(':claimId')
  @UseGuards(ClaimActorGuard)
  async one(@ClaimActor() actor: Actor, @Param('claimId') claimId: string) {
    if (!/^[0-9a-f-]{36}$/i.test(claimId)) throw ProblemException.notFound(`claim ${claimId} not found`);
    const claim = await this.reads.withSignals(claimId);
    if (!claim || (actor.partnerId && claim.partnerId !== actor.partnerId)) throw ProblemException.notFound(`claim ${claimId} not found`);
    return claim;
  }

  @Post(':claimId/confirm')
  @HttpCode(200)
  @UseGuards(ClaimActorGuard)
  @Idempotent(CLAIM_ACTION_KEYS)
  confirm(@ClaimActor() actor: Actor, @Param('claimId') claimId: string) {
    return this.act(claimId, 'confirm', actor);
  }

  @Post(':claimId/withdraw')
  @HttpCode(200)
  @UseGuards(ClaimActorGuard)
  @Idempotent(CLAIM_ACTION_KEYS)
  withdraw(@ClaimActor() actor: Actor, @Param('claimId') claimId: string) {
    return this.act(claimId, 'withdraw', actor);
  }

  @Post(':claimId/close')
  @HttpCode(200)
  @UseGuards(ClaimActorGuard)
  @Idempotent(CLAIM_ACTION_KEYS)
  close(@ClaimActor() actor: Actor, @Param('claimId') claimId: string) {
    return this.act(claimId, 'close', actor);
  }

  /** A claims handler's new case reserve for an open claim (ops only); the difference is an incurred movement in the premium ledger. */
  @Post(':claimId/reserve')
  @HttpCode(200)
  @UseGuards(ClaimActorGuard)
  @Idempotent(CLAIM_ACTION_KEYS)
  changeReserve(@ClaimActor() actor: Actor, @Param('claimId') claimId: string, @Body(new ZodValidationPipe(claimReserveChangeV1Schema)) body: ClaimReserveChangeV1) {
    this.opsOnly(actor, 'change claim reserves');
    return this.reserve.execute(claimId, body, actor);
  }

  /** A payment of a closed claim's settled amount (ops only), once per payment reference. */
  @Post(':claimId/payments')
  @HttpCode(200)
  @UseGuards(ClaimActorGuard)
  @Idempotent(CLAIM_ACTION_KEYS)
  recordPayment(@ClaimActor() actor: Actor, @Param('claimId') claimId: string, @Body(new ZodValidationPipe(claimPaymentV1Schema)) body: ClaimPaymentV1) {
    this.opsOnly(actor, 'record claim payments');
    return this.payment.execute(claimId, body, actor);
  }

  /** Declared after the actions it stands behind; no credentials are needed to learn an action does not exist. */
  @Post(':claimId/:action')
  unknownAction(@Param('action') action: string): never {
    throw ProblemException.notFound(`unknown action ${action}`);
  }

  private opsOnly(actor: Actor, what: string): void {
    if (actor.partnerId) throw ProblemException.forbidden(`only ops ${what}`);
    if (!OPS_ROLES.has(actor.role)) throw ProblemException.forbidden(`role ${actor.role || '(none)'} may not ${what}`);
  }

  private act(claimId: string, action: ClaimAction, actor: Actor) {
    if (!actor.partnerId && !OPS_ROLES.has(actor.role)) throw ProblemException.forbidden(`role ${actor.role || '(none)'} may not ${action} claims`);
    if (actor.partnerId && action === 'close') throw ProblemException.forbidden('only ops close claims');
    return this.change.execute(claimId, action, actor);
  }
}
