import {
  ConflictError,
  type DomainError,
  ForbiddenError,
  InvalidRequestError,
  NotFoundError,
  RateLimitedError,
  UnauthenticatedError,
  UnavailableError,
} from '../errors/domain-errors';
import { ProblemException } from './problem.exception';

/**
 * The HTTP answer to a domain error: the same problem types, titles and headers the handlers
 * threw themselves before use cases stopped knowing about HTTP, so partners see no change.
 */
export function problemFor(error: DomainError): ProblemException | undefined {
  if (error instanceof InvalidRequestError) return ProblemException.badRequest(error.detail, error.errors ? [...error.errors] : undefined);
  if (error instanceof UnauthenticatedError) return ProblemException.unauthorized(error.detail);
  if (error instanceof ForbiddenError) return ProblemException.forbidden(error.detail);
  if (error instanceof NotFoundError) return ProblemException.notFound(error.detail);
  if (error instanceof ConflictError) return ProblemException.conflict(error.detail);
  if (error instanceof RateLimitedError) return ProblemException.tooManyRequests(error.detail, error.retryAfterS);
  if (error instanceof UnavailableError) return ProblemException.unavailable(error.detail);
  // A DomainError subclass added without its answer here is a programming error: logged, answered 500.
  return undefined;
}
