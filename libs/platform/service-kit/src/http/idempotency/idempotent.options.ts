import type { HttpRequest } from '../http-request';
import type { IdempotencyTimes } from './idempotency-store';

export const IDEMPOTENT_OPTIONS = Symbol('IDEMPOTENT_OPTIONS');

export interface IdempotentOptions extends IdempotencyTimes {
  /** Whose keys these are (the authenticated caller); keys of different scopes never meet. */
  scopeOf(req: HttpRequest): string;
}
