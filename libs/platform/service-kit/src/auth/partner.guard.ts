import { type CanActivate, createParamDecorator, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { PartnerRecord } from '@kuruma/data-access-db';
import type { HttpRequest } from '../http/http-request';
import { PartnerAuthenticator } from './partner-authenticator';

/** A request PartnerGuard has let through: the partner its API key belongs to. */
export interface PartnerRequest extends HttpRequest {
  partner?: PartnerRecord;
}

/**
 * `@UseGuards(PartnerGuard)`: the route answers only partners with a valid API key, within their
 * request rate (401 and 429 problem+json otherwise, PartnerAuthenticator), and its handler reads
 * the partner with `@Partner()`. Identity never comes from the body.
 */
@Injectable()
export class PartnerGuard implements CanActivate {
  constructor(@Inject(PartnerAuthenticator) private readonly auth: PartnerAuthenticator) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<PartnerRequest>();
    req.partner = await this.auth.fromRequest(req);
    return true;
  }
}

/** The partner PartnerGuard authenticated; a route without the guard is a programming error (500). */
export function partnerOf(req: PartnerRequest): PartnerRecord {
  if (!req.partner) throw new Error('@Partner() read on a route without PartnerGuard');
  return req.partner;
}

/** The authenticated partner, as a handler parameter: `quote(@Partner() partner: PartnerRecord, ...)`. */
export const Partner = createParamDecorator((_data: unknown, context: ExecutionContext): PartnerRecord => partnerOf(context.switchToHttp().getRequest<PartnerRequest>()));
