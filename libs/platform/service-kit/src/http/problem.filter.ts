import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, NotFoundException } from '@nestjs/common';
import type { Logger } from 'pino';
import type { ProblemDetails } from '@kuruma/contracts';
import { traceIdOf } from '@kuruma/data-access-messaging';
import { DomainError } from '../errors/domain-errors';
import { problemFor } from './domain-error.problem';
import { ProblemException } from './problem.exception';
import type { HttpReply, HttpRequest } from './http-request';
import type { RouteTable } from './route-table';

/**
 * Every error leaves as application/problem+json: domain errors thrown by use cases get their
 * status here, unexpected errors are logged and hidden from callers.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  constructor(
    private readonly logger: Logger,
    private readonly routes?: RouteTable,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const res = http.getResponse<HttpReply>();
    const req = http.getRequest<HttpRequest & { method?: string }>();
    const refusal = this.methodNotAllowed(exception, req) ?? (exception instanceof DomainError ? (problemFor(exception) ?? exception) : exception);
    const problem = this.toProblem(refusal, req);
    if (refusal instanceof ProblemException) for (const [name, value] of Object.entries(refusal.headers)) res.header(name, value);
    res.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
  }

  /** No route for this method, but one for the path: 405 with Allow rather than 404. */
  private methodNotAllowed(exception: unknown, req: HttpRequest & { method?: string }): ProblemException | undefined {
    if (!(exception instanceof NotFoundException) || exception instanceof ProblemException || !this.routes || !req.method) return undefined;
    const allowed = this.routes.methodsFor(req.originalUrl ?? req.url);
    return allowed.length && !allowed.includes(req.method) ? ProblemException.methodNotAllowed(req.method, allowed) : undefined;
  }

  private toProblem(exception: unknown, req: HttpRequest): ProblemDetails {
    const instance = req.originalUrl ?? req.url;
    if (exception instanceof ProblemException) return { ...exception.problem, instance };
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      // Handlers throw ProblemException; a bare HttpException with one of these statuses is the
      // framework refusing the body before any handler ran (malformed JSON, too large, not JSON).
      if (BODY_REFUSALS.has(status)) return bodyRefused(status, describe(exception), instance);
      return { type: 'about:blank', title: exception.message, status, detail: describe(exception), instance };
    }
    // Express body-parser errors other than bad JSON (size, charset) reach the filter unmapped.
    const bodyParserError = exception as { status?: number; message?: string };
    if (bodyParserError?.status && bodyParserError.status >= 400 && bodyParserError.status < 500) {
      return bodyRefused(bodyParserError.status, bodyParserError.message ?? 'unreadable body', instance);
    }
    this.logger.error({ err: exception, path: instance, trace_id: traceIdOf(req.trace?.traceparent) }, 'unhandled error');
    return { type: 'about:blank', title: 'Internal Server Error', status: 500, instance };
  }
}

const BODY_REFUSALS = new Set([400, 413, 415]);

function bodyRefused(status: number, detail: string, instance: string): ProblemDetails {
  return {
    type: 'https://kurumacover.dev/problems/invalid-request',
    title: 'Invalid request',
    status,
    detail,
    errors: [{ field: '(body)', message: detail }],
    instance,
  };
}

function describe(exception: HttpException): string {
  const body = exception.getResponse();
  if (typeof body === 'string') return body;
  const message = (body as { message?: unknown }).message;
  return Array.isArray(message) ? message.join('; ') : String(message ?? exception.message);
}
