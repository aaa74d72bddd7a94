import type { z } from 'zod';
import { fieldErrors } from '@kuruma/contracts';
import { ProblemException } from './problem.exception';

/**
 * Validates a request body (or query) at the boundary: 400 problem+json naming every bad field.
 * Handlers use it through ZodValidationPipe.
 */
export function validateBody<S extends z.ZodType>(schema: S, body: unknown, detail = 'the request has invalid fields'): z.infer<S> {
  if (body === undefined || body === null || typeof body !== 'object') {
    throw ProblemException.badRequest('the body must be a JSON object', [{ field: '(body)', message: 'expected a JSON object' }]);
  }
  const result = schema.safeParse(body);
  if (!result.success) throw ProblemException.badRequest(detail, fieldErrors(result.error));
  return result.data;
}
