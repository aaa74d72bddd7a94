import { TariffDocumentError, TariffLifecycleError } from '@kuruma/domain-rating';
import { ConflictError, ForbiddenError, InvalidRequestError } from '@kuruma/service-kit';

/** The domain's refusals as the console answers them: four eyes and role are 403, other lifecycle rules 409, a bad document 400 naming each path. */
export function tariffRefusal(error: unknown): unknown {
  if (error instanceof TariffDocumentError) {
    return new InvalidRequestError(error.message, error.issues.map((i) => ({ field: i.path === '(document)' ? 'document' : `document.${i.path}`, message: i.message })));
  }
  if (error instanceof TariffLifecycleError) {
    return error.code === 'four-eyes' || error.code === 'not-actuary' ? new ForbiddenError(error.message) : new ConflictError(error.message);
  }
  return error;
}
