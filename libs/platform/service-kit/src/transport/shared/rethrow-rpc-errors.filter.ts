import { Catch, type RpcExceptionFilter } from '@nestjs/common';
import { type Observable, throwError } from 'rxjs';

/**
 * Nest's default RPC filter turns every handler error into `{ status: 'error', message: 'Internal
 * server error' }`. The platform's transports need the error itself: whether it is transient (a
 * database or broker outage, retried for ever) or the record's own (counted toward its poison limit)
 * is read from it. Applied to every handler by the transports' pattern decorators.
 */
@Catch()
export class RethrowRpcErrors implements RpcExceptionFilter<unknown> {
  catch(exception: unknown): Observable<never> {
    return throwError(() => exception);
  }
}
