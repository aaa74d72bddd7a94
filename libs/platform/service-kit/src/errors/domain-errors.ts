/** One field a request got wrong, named the way the partner sent it (`vehicle.category`, `(body)`). */
export interface FieldError {
  field: string;
  message: string;
}

/**
 * A refusal decided by business code. Use cases throw these and know nothing of the transport;
 * the HTTP layer renders each as problem+json (ProblemFilter), so the status and the body a
 * partner sees are decided in one place.
 */
export abstract class DomainError extends Error {
  constructor(readonly detail: string) {
    super(detail);
    this.name = new.target.name;
  }
}

/** The thing asked for does not exist, or belongs to another partner (the two must look alike). */
export class NotFoundError extends DomainError {}

/** The request contradicts the current state (a device of another partner, a claim already closed). */
export class ConflictError extends DomainError {}

/** The caller is known but may not do this (another partner's data, a role without the right). */
export class ForbiddenError extends DomainError {}

/** The caller could not be identified: no credentials, or credentials that do not verify. */
export class UnauthenticatedError extends DomainError {}

/** The request is malformed; `errors` names every bad field so the caller can fix them in one go. */
export class InvalidRequestError extends DomainError {
  constructor(
    detail: string,
    readonly errors?: readonly FieldError[],
  ) {
    super(detail);
  }
}

/** The caller is over its rate and may try again in `retryAfterS` seconds. */
export class RateLimitedError extends DomainError {
  constructor(
    detail: string,
    readonly retryAfterS: number,
  ) {
    super(detail);
  }
}

/** Something this request needs is away for now (a broker's administration); the caller may retry later. */
export class UnavailableError extends DomainError {}
