import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import type { INestApplication } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';

/**
 * The service's routes as (method, path pattern), read from the controllers' Nest metadata, so a
 * request to a known path with another method can be answered 405 with Allow instead of 404.
 * Filled once the app is initialised; until then it knows no routes.
 */
export class RouteTable {
  private routes: { method: string; pattern: RegExp }[] = [];

  load(app: INestApplication): void {
    const routes: { method: string; pattern: RegExp }[] = [];
    for (const module of app.get(ModulesContainer).values()) {
      for (const wrapper of module.controllers.values()) {
        const controller = wrapper.metatype as (new (...args: never[]) => unknown) | undefined;
        if (!controller?.prototype) continue;
        const bases = paths(Reflect.getMetadata(PATH_METADATA, controller));
        for (const name of Object.getOwnPropertyNames(controller.prototype)) {
          // Read the descriptor, not the property: a getter must not run on the bare prototype.
          const handler: unknown = Object.getOwnPropertyDescriptor(controller.prototype, name)?.value;
          if (typeof handler !== 'function' || name === 'constructor') continue;
          const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
          if (method === undefined || Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
          for (const base of bases) for (const sub of paths(Reflect.getMetadata(PATH_METADATA, handler))) routes.push({ method: RequestMethod[method], pattern: toPattern(`${base}/${sub}`) });
        }
      }
    }
    this.routes = routes;
  }

  /** Methods that would answer `path`; empty when no route matches it at all. */
  methodsFor(path: string): string[] {
    const bare = path.split('?')[0] ?? '';
    const methods = new Set(this.routes.filter((r) => r.pattern.test(bare)).map((r) => r.method));
    if (methods.has('GET')) methods.add('HEAD');
    return [...methods].sort();
  }
}

const paths = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : [String(value ?? '')]);

function toPattern(path: string): RegExp {
  const clean = `/${path}`.replace(/\/+/g, '/').replace(/(.)\/$/, '$1');
  const escaped = clean
    .split('/')
    .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${escaped}/?$`);
}
