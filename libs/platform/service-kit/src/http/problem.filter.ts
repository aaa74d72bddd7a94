import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import type { ProblemDetails } from '@kuruma/contracts';
import { ProblemException } from './problem.exception';

/** Every error leaves as application/problem+json; unexpected ones are logged and hidden from callers. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const res = http.getResponse<Response>();
    const req = http.getRequest<Request>();
    const problem = this.toProblem(exception, req);
    res.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
  }

  private toProblem(exception: unknown, req: Request): ProblemDetails {
    if (exception instanceof ProblemException) return { ...exception.problem, instance: req.originalUrl };
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      // Body-parser errors (bad JSON, too large) arrive here as HttpExceptions from Nest.
      return { type: 'about:blank', title: exception.message, status, detail: describe(exception), instance: req.originalUrl };
    }
    const bodyParserError = exception as { type?: string; status?: number; message?: string };
    if (bodyParserError?.status && bodyParserError.status >= 400 && bodyParserError.status < 500) {
      return {
        type: 'https://kurumacover.dev/problems/invalid-request',
        title: 'Invalid request',
        status: bodyParserError.status,
        detail: bodyParserError.message,
        errors: [{ field: '(body)', message: bodyParserError.message ?? 'unreadable body' }],
        instance: req.originalUrl,
      };
    }
    this.logger.error({ err: exception, path: req.originalUrl }, 'unhandled error');
    return { type: 'about:blank', title: 'Internal Server Error', status: 500, instance: req.originalUrl };
  }
}

function describe(exception: HttpException): string {
  const body = exception.getResponse();
  if (typeof body === 'string') return body;
  const message = (body as { message?: unknown }).message;
  return Array.isArray(message) ? message.join('; ') : String(message ?? exception.message);
}
