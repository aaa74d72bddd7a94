import { AsyncLocalStorage, AsyncResource, executionAsyncId } from 'node:async_hooks';
import { describe, expect, it, vi } from 'vitest';
import { installLeanAsyncResourceBind } from './lean-async-resource-bind';

describe('installLeanAsyncResourceBind', () => {
  installLeanAsyncResourceBind();
  const store = new AsyncLocalStorage<string>();

  it('runs the bound function in the async context of the bind, later and elsewhere', async () => {
    const bound = store.run('request-1', () => AsyncResource.bind(() => store.getStore()));
    const resource = new AsyncResource('test');
    const inScope = resource.bind(() => executionAsyncId());
    expect(await store.run('request-2', () => new Promise((resolve) => setImmediate(() => resolve(bound()))))).toBe('request-1');
    expect(inScope()).toBe(resource.asyncId());
  });

  it("passes the caller's this and the arguments through, or the given thisArg, and returns the result", () => {
    const resource = new AsyncResource('test');
    const target = {
      name: 'target',
      read(this: { name: string }, a: number, b: number) {
        return `${this.name}:${a + b}`;
      },
    };
    const free = resource.bind(target.read);
    expect(free.call({ name: 'caller' }, 1, 2)).toBe('caller:3');
    // Node's bind takes a thisArg too, which @types/node leaves out.
    const bindWithThis = resource.bind.bind(resource) as unknown as <F>(fn: F, thisArg: unknown) => F;
    expect(bindWithThis(target.read, { name: 'fixed' }).call({ name: 'caller' }, 2, 3)).toBe('fixed:5');
    expect(free.length).toBe(2);
    expect(() => resource.bind('not a function' as never)).toThrow(TypeError);
  });

  it('keeps asyncResource readable without the deprecation warning, and installs once', async () => {
    const warnings = vi.fn();
    process.on('warning', warnings);
    const resource = new AsyncResource('test');
    const bound = resource.bind(() => 1) as unknown as { asyncResource: AsyncResource };
    expect(bound.asyncResource).toBe(resource);
    const installed = AsyncResource.prototype.bind;
    installLeanAsyncResourceBind();
    expect(AsyncResource.prototype.bind).toBe(installed);
    // Node emits warnings on a later tick.
    await new Promise((resolve) => setImmediate(resolve));
    process.off('warning', warnings);
    expect(warnings).not.toHaveBeenCalled();
  });

  it('propagates an error thrown by the function and leaves the scope', () => {
    const outside = executionAsyncId();
    const bound = new AsyncResource('test').bind(() => {
      throw new Error('boom');
    });
    expect(() => bound()).toThrow('boom');
    expect(executionAsyncId()).toBe(outside);
  });
});
