import type { z } from 'zod';
import { fieldErrors } from '@kuruma/contracts';
import { ProblemException } from './problem.exception';

/** Validates a request body at the boundary: 400 problem+json naming every bad field. */
export function validateBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  if (body === undefined || body === null || typeof body !== 'object') {
    throw ProblemException.badRequest('the body must be a JSON object', [{ field: '(body)', message: 'expected a JSON object' }]);
  }
  const result = schema.safeParse(body);
  if (!result.success) throw ProblemException.badRequest('the request has invalid fields', fieldErrors(result.error));
  return result.data;
}
