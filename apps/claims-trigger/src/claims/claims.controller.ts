import { Controller, Get, HttpCode, Inject, Param, Post, Query, Req } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import type { Database } from '@kuruma/data-access-db';
import { arrivedOn, OPS_IDENTITY_HEADER, PartnerAuthenticator, ProblemException, type HttpRequest, headerOf, verifyOpsIdentity } from '@kuruma/service-kit';
import { CONFIG, DATABASE } from '../tokens';
import type { ClaimsTriggerConfig } from '../claims-trigger.config';
import { type Actor, type ClaimAction, ChangeClaimStatusUseCase } from './change-claim-status.use-case';

const OPS_ROLES = new Set(['claims-handler', 'admin']);

/** Partners see and act on their own vehicles' claims; the ops console acts for a signed-in ops user. */
@Controller('v1/claims')
export class ClaimsController {
  constructor(
    @Inject(PartnerAuthenticator) private readonly auth: PartnerAuthenticator,
    @Inject(DATABASE) private readonly db: Database,
    @Inject(CONFIG) private readonly config: ClaimsTriggerConfig,
    @Inject(ChangeClaimStatusUseCase) private readonly change: ChangeClaimStatusUseCase,
  ) {}

  /**
   * The ops console is believed only on the internal listener, with the service token and an
   * identity it signed for this very request; a partner-facing port never accepts the token.
   */
  private async actor(req: HttpRequest & { method?: string }): Promise<Actor> {
    const token = headerOf(req, 'x-ops-token');
    if (token !== undefined) {
      if (!arrivedOn(req, this.config.CLAIMS_TRIGGER_OPS_PORT)) throw ProblemException.forbidden('the ops token is accepted only on the internal ops listener');
      const expected = Buffer.from(this.config.OPS_SERVICE_TOKEN);
      const given = Buffer.from(token);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw ProblemException.unauthorized('invalid ops token');
      const path = (req.originalUrl ?? req.url).split('?')[0];
      const identity = verifyOpsIdentity(headerOf(req, OPS_IDENTITY_HEADER), this.config.OPS_IDENTITY_KEY, `${req.method ?? 'GET'} ${path}`);
      if (!identity) throw ProblemException.unauthorized(`missing, expired or invalid ${OPS_IDENTITY_HEADER}`);
      return { name: identity.actor, role: identity.role };
    }
    const partner = await this.auth.fromRequest(req);
    return { name: `partner:${partner.id}`, role: 'partner', partnerId: partner.id };
  }

  @Get()
  async list(@Req() req: HttpRequest, @Query('vehicleId') vehicleId?: string, @Query('status') status?: string) {
    const actor = await this.actor(req);
    const items = await this.db.claim.findMany({
      where: { ...(actor.partnerId ? { partnerId: actor.partnerId } : {}), ...(vehicleId ? { vehicleId } : {}), ...(status ? { status } : {}) },
      orderBy: { openedAt: 'desc' },
      take: 200,
      include: { _count: { select: { signals: true } } },
    });
    return { items: items.map(({ _count, ...c }) => ({ ...c, signalCount: _count.signals })) };
  }

  @Get(':claimId')
  async one(@Req() req: HttpRequest, @Param('claimId') claimId: string) {
    const actor = await this.actor(req);
    if (!/^[0-9a-f-]{36}$/i.test(claimId)) throw ProblemException.notFound(`claim ${claimId} not found`);
    const claim = await this.db.claim.findUnique({ where: { id: claimId }, include: { signals: { orderBy: { occurredAt: 'asc' } } } });
    if (!claim || (actor.partnerId && claim.partnerId !== actor.partnerId)) throw ProblemException.notFound(`claim ${claimId} not found`);
    return claim;
  }

  @Post(':claimId/:action')
  @HttpCode(200)
  async act(@Req() req: HttpRequest, @Param('claimId') claimId: string, @Param('action') action: string) {
    if (!['confirm', 'withdraw', 'close'].includes(action)) throw ProblemException.notFound(`unknown action ${action}`);
    const actor = await this.actor(req);
    if (!actor.partnerId && !OPS_ROLES.has(actor.role)) throw ProblemException.forbidden(`role ${actor.role || '(none)'} may not ${action} claims`);
    if (actor.partnerId && action === 'close') throw ProblemException.forbidden('only ops close claims');
    return this.change.execute(claimId, action as ClaimAction, actor);
  }
}
