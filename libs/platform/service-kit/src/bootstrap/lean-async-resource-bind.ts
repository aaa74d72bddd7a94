import { AsyncResource } from 'node:async_hooks';

const LEAN = Symbol.for('kuruma.lean-async-resource-bind');

type Bind = AsyncResource['bind'] & { [LEAN]?: true };

/**
 * `AsyncResource#bind` as Node 20 and 22 define it, without the cost of DEP0172: they give every
 * bound function an `asyncResource` accessor pair, each wrapped in `util.deprecate` (a closure, a
 * prototype change, `Object.defineProperties` with accessors). Fastify binds once per request
 * (its content-type parser) and Nest once per interceptor and once more for the handler, so an
 * idempotent `POST /v1/quotes` paid six `deprecate` calls: 4-5 % of pricing's CPU under quote load
 * (docs/benchmarks.md, "Quotes and memory"). Node itself dropped the accessors later
 * (nodejs/node#58218, #59195; the property's end of life in #58618).
 *
 * The function runs exactly as Node's does: in the resource's async scope (so AsyncLocalStorage
 * and async_hooks see the context of the bind), with the caller's `this` unless `thisArg` is given,
 * returning what `fn` returns. `asyncResource` stays readable, as a plain property (reassigning it
 * never changed which resource runs the function, in Node either).
 */
function bindTo(resource: AsyncResource, fn: (...args: never[]) => unknown, thisArg?: unknown) {
  if (typeof fn !== 'function') throw new TypeError(`The "fn" argument must be of type function. Received ${typeof fn}`);
  const bound =
    thisArg === undefined
      ? function (this: unknown, ...args: unknown[]) {
          return resource.runInAsyncScope(fn as (...a: unknown[]) => unknown, this, ...args);
        }
      : (...args: unknown[]) => resource.runInAsyncScope(fn as (...a: unknown[]) => unknown, thisArg, ...args);
  Object.defineProperty(bound, 'length', { configurable: true, enumerable: false, value: fn.length, writable: false });
  (bound as { asyncResource?: AsyncResource }).asyncResource = resource;
  return bound;
}

/** Installs {@link bindTo} as `AsyncResource#bind` once per process, before the HTTP stack serves a request. */
export function installLeanAsyncResourceBind(): void {
  const proto = AsyncResource.prototype as { bind: Bind };
  if (proto.bind[LEAN]) return;
  const leanBind = function bind(this: AsyncResource, fn: (...args: never[]) => unknown, thisArg?: unknown) {
    return bindTo(this, fn, thisArg);
  };
  Object.defineProperty(leanBind, LEAN, { value: true });
  proto.bind = leanBind as unknown as Bind;
}
