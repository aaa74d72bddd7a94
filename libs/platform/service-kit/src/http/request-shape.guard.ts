import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { ProblemException } from './problem.exception';
import { headerOf, type HttpRequest } from './http-request';

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Refuses requests no handler is written for, before any handler runs, with a 4xx naming what is
 * wrong: a query parameter given twice (`?status=a&status=b` arrived as an array where handlers
 * expect text, and four endpoints answered 500) and a body in a media type the service does not
 * read (415; a text/plain body used to reach handlers as a string).
 */
@Injectable()
export class RequestShapeGuard implements CanActivate {
  constructor(private readonly bodyTypes: readonly string[]) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const req = context.switchToHttp().getRequest<HttpRequest & { method: string; query?: Record<string, unknown> }>();
    const repeated = Object.entries(req.query ?? {}).filter(([, value]) => typeof value !== 'string');
    if (repeated.length) {
      throw ProblemException.badRequest(
        `query parameter ${repeated.map(([name]) => name).join(', ')} may be given only once`,
        repeated.map(([field]) => ({ field, message: 'given more than once' })),
      );
    }
    if (BODY_METHODS.has(req.method) && hasBody(req)) {
      const type = (headerOf(req, 'content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
      if (!this.bodyTypes.includes(type)) {
        throw ProblemException.unsupportedMediaType(`a body of type ${type || '(none)'} is not accepted; send ${this.bodyTypes.join(' or ')}`, [
          { field: 'content-type', message: `must be ${this.bodyTypes.join(' or ')}` },
        ]);
      }
    }
    return true;
  }
}

function hasBody(req: HttpRequest): boolean {
  const length = headerOf(req, 'content-length');
  return (length !== undefined && length !== '0') || headerOf(req, 'transfer-encoding') !== undefined;
}
