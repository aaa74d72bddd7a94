import { TariffDocumentError, TariffLifecycleError } from '@kuruma/domain-rating';
import { ConflictError, ForbiddenError, InvalidRequestError } from '@kuruma/service-kit';

/**
 * The domain's refusals as the console answers them: four eyes and role are 403, an effective
 * instant in the past or too far ahead 400 naming the field, other lifecycle rules (order of steps,
 * a second approval) 409, a bad document 400 naming each path.
 */
export function tariffRefusal(error: unknown): unknown {
  if (error instanceof TariffDocumentError) {
    return new InvalidRequestError(error.message, error.issues.map((i) => ({ field: i.path === '(document)' ? 'document' : `document.${i.path}`, message: i.message })));
  }
  if (error instanceof TariffLifecycleError) {
    if (error.code === 'effective-not-in-future' || error.code === 'effective-too-far') return new InvalidRequestError(error.message, [{ field: 'effectiveFrom', message: error.message }]);
    return error.code === 'four-eyes' || error.code === 'not-actuary' ? new ForbiddenError(error.message) : new ConflictError(error.message);
  }
  return error;
}
