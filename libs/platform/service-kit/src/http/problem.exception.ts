import { HttpException } from '@nestjs/common';
import type { ProblemDetails } from '@kuruma/contracts';

/** An HTTP error whose body is RFC 9457 problem details; thrown by handlers, rendered by ProblemFilter. */
export class ProblemException extends HttpException {
  constructor(readonly problem: ProblemDetails) {
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

  static unavailable(detail: string): ProblemException {
    return new ProblemException({ type: 'https://kurumacover.dev/problems/unavailable', title: 'Service unavailable', status: 503, detail });
  }
}
