import { HttpException } from '@nestjs/common';
import type { ProblemDetails } from '@kuruma/contracts';

/** An HTTP error whose body is RFC 9457 problem details; thrown by handlers, rendered by ProblemFilter. */
export class ProblemException extends HttpException {
  constructor(
    readonly problem: ProblemDetails,
    /** Response headers that go with the problem (Retry-After, Allow). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(problem, problem.status);
  }

  static badRequest(detail: string, errors?: ProblemDetails['errors']): ProblemException {
    return new ProblemException({ type: 'https://kurumacover.dev/problems/invalid-request', title: 'Invalid request', status: 400, detail, errors });
  }

  static unauthorized(detail: string): ProblemException {
    return new ProblemException({ type: 'https://kurumacover.dev/problems/unauthorized', title: 'Unauthorized', status: 401, detail });
  }

  static forbidden(detail: string): ProblemException {
    return new ProblemException({ type: 'https://kurumacover.dev/problems/forbidden', title: 'Forbidden', status: 403, detail });
  }

  static notFound(detail: string): ProblemException {
    return new ProblemException({ type: 'https://kurumacover.dev/problems/not-found', title: 'Not found', status: 404, detail });
  }

  static conflict(detail: string): ProblemException {
    return new ProblemException({ type: 'https://kurumacover.dev/problems/conflict', title: 'Conflict', status: 409, detail });
  }

  /** 429 with Retry-After: the caller is over its rate and may try again in `retryAfterS` seconds. */
  static tooManyRequests(detail: string, retryAfterS: number): ProblemException {
    return new ProblemException(
      { type: 'https://kurumacover.dev/problems/rate-limited', title: 'Too many requests', status: 429, detail },
      { 'Retry-After': String(retryAfterS) },
    );
  }

  static unsupportedMediaType(detail: string, errors?: ProblemDetails['errors']): ProblemException {
    return new ProblemException({ type: 'https://kurumacover.dev/problems/unsupported-media-type', title: 'Unsupported media type', status: 415, detail, errors });
  }

  static methodNotAllowed(method: string, allowed: readonly string[]): ProblemException {
    return new ProblemException(
      { type: 'https://kurumacover.dev/problems/method-not-allowed', title: 'Method not allowed', status: 405, detail: `${method} is not allowed here; use ${allowed.join(', ')}` },
      { Allow: allowed.join(', ') },
    );
  }

  static unavailable(detail: string): ProblemException {
    return new ProblemException({ type: 'https://kurumacover.dev/problems/unavailable', title: 'Service unavailable', status: 503, detail });
  }
}
