import { type CallHandler, type ExecutionContext, HttpStatus, Inject, Injectable, type NestInterceptor, RequestMethod } from '@nestjs/common';
import { HTTP_CODE_METADATA, METHOD_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import type Redis from 'ioredis';
import { from, type Observable, of } from 'rxjs';
import { catchError, mergeMap } from 'rxjs/operators';
import { REDIS } from '../../platform/tokens';
import type { HttpReply, HttpRequest } from '../http-request';
import { ProblemException } from '../problem.exception';
import { IDEMPOTENCY_KEY_HEADER, IDEMPOTENT_REPLAYED_HEADER, idempotencyKeyOf, keyInFlightProblem, keyReusedProblem, requestFingerprint } from './idempotency-key';
import { IdempotencyStore } from './idempotency-store';
import { IDEMPOTENT_OPTIONS, type IdempotentOptions } from './idempotent.options';

type IdempotentRequest = HttpRequest & { method?: string; partner?: { id: string } };

/**
 * `@Idempotent()` routes: a request with an Idempotency-Key runs once per caller and key; a retry
 * of the same request gets the first answer again (same status and body, `Idempotent-Replayed:
 * true`), the same key on a different request 422, and a retry while the first still runs 409.
 * Runs after the guards, so the key is scoped to the authenticated caller: one partner's key
 * never reaches another's answer. Without the header the route behaves as before.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(Reflector) private readonly reflector: Reflector,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const http = context.switchToHttp();
    const req = http.getRequest<IdempotentRequest>();
    const key = idempotencyKeyOf(req);
    if (key === undefined) return next.handle();
    const options = this.reflector.get<IdempotentOptions>(IDEMPOTENT_OPTIONS, context.getHandler());
    const scope = options.scopeOf(req);
    const store = new IdempotencyStore(this.redis, options);
    const fingerprint = requestFingerprint(req.method ?? 'POST', req.originalUrl ?? req.url, req.body);
    const claim = await store.claim(scope, key, fingerprint).catch(storeDown);
    if (claim.kind === 'reused') throw keyReusedProblem();
    if (claim.kind === 'in-flight') throw keyInFlightProblem();
    const reply = http.getResponse<HttpReply>();
    if (claim.kind === 'replay') {
      reply.header(IDEMPOTENT_REPLAYED_HEADER, 'true');
      reply.status(claim.answer.status);
      return of(claim.answer.body);
    }
    const status = this.statusOf(context);
    return next.handle().pipe(
      mergeMap((body) => from(store.complete(scope, key, fingerprint, claim.lease, { status, body: JSON.parse(JSON.stringify(body ?? null)) }).then(() => body))),
      catchError((err: unknown) => from(store.release(scope, key, claim.lease).then(() => Promise.reject(err), () => Promise.reject(err)))),
    );
  }

  /** The status Nest will answer with: the route's @HttpCode, else 201 for POST and 200 otherwise. */
  private statusOf(context: ExecutionContext): number {
    const code = this.reflector.get<number | undefined>(HTTP_CODE_METADATA, context.getHandler());
    if (code !== undefined) return code;
    return this.reflector.get<RequestMethod>(METHOD_METADATA, context.getHandler()) === RequestMethod.POST ? HttpStatus.CREATED : HttpStatus.OK;
  }
}

/** With the key store unreachable the request is refused rather than run without its guarantee. */
function storeDown(): never {
  throw ProblemException.unavailable(`the ${IDEMPOTENCY_KEY_HEADER} store is unavailable; retry with the same key`);
}
