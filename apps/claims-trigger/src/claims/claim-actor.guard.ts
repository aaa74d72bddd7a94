import { type CanActivate, createParamDecorator, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import { arrivedOn, headerOf, OPS_IDENTITY_HEADER, PartnerAuthenticator, PartnerGuard, type PartnerRequest, ProblemException, verifyOpsIdentity } from '@kuruma/service-kit';
import { CONFIG } from '../tokens';
import type { ClaimsTriggerConfig } from '../claims-trigger.config';
import type { Actor } from './change-claim-status.use-case';

export const OPS_TOKEN_HEADER = 'x-ops-token';

/** A request ClaimActorGuard has let through: who acts on the claims. */
export interface ClaimActorRequest extends PartnerRequest {
  method?: string;
  claimActor?: Actor;
}

/**
 * Who may read and act on claims: a partner by its API key (PartnerGuard: its own vehicles'
 * claims only), or the ops console for a signed-in ops user. The console is believed only on the
 * internal listener (the socket's port, which a client cannot forge), with the service token and
 * an identity it signed for this very request; a partner-facing port never accepts the token.
 */
@Injectable()
export class ClaimActorGuard implements CanActivate {
  private readonly partners: PartnerGuard;

  constructor(
    @Inject(PartnerAuthenticator) auth: PartnerAuthenticator,
    @Inject(CONFIG) private readonly config: Pick<ClaimsTriggerConfig, 'CLAIMS_TRIGGER_OPS_PORT' | 'OPS_SERVICE_TOKEN' | 'OPS_IDENTITY_KEY'>,
  ) {
    this.partners = new PartnerGuard(auth);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<ClaimActorRequest>();
    const token = headerOf(req, OPS_TOKEN_HEADER);
    if (token !== undefined) {
      req.claimActor = this.opsCaller(req, token);
      return true;
    }
    await this.partners.canActivate(context);
    const partnerId = req.partner?.id ?? '';
    req.claimActor = { name: `partner:${partnerId}`, role: 'partner', partnerId };
    return true;
  }

  private opsCaller(req: ClaimActorRequest, token: string): Actor {
    if (!arrivedOn(req, this.config.CLAIMS_TRIGGER_OPS_PORT)) throw ProblemException.forbidden('the ops token is accepted only on the internal ops listener');
    const expected = Buffer.from(this.config.OPS_SERVICE_TOKEN);
    const given = Buffer.from(token);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw ProblemException.unauthorized('invalid ops token');
    const path = (req.originalUrl ?? req.url).split('?')[0];
    const identity = verifyOpsIdentity(headerOf(req, OPS_IDENTITY_HEADER), this.config.OPS_IDENTITY_KEY, `${req.method ?? 'GET'} ${path}`);
    if (!identity) throw ProblemException.unauthorized(`missing, expired or invalid ${OPS_IDENTITY_HEADER}`);
    return { name: identity.actor, role: identity.role };
  }
}

/** The actor ClaimActorGuard established; a route without the guard is a programming error (500). */
export function claimActorOf(req: ClaimActorRequest): Actor {
  if (!req.claimActor) throw new Error('@ClaimActor() read on a route without ClaimActorGuard');
  return req.claimActor;
}

/** Who acts on the claims, as a handler parameter. */
export const ClaimActor = createParamDecorator((_data: unknown, context: ExecutionContext): Actor => claimActorOf(context.switchToHttp().getRequest<ClaimActorRequest>()));
