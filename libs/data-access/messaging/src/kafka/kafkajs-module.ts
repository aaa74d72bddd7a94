import Module from 'node:module';
import { dirname, join } from 'node:path';

/**
 * Puts `exports` in Node's module cache as kafkajs's internal module `path` (relative to the
 * kafkajs package), so kafkajs uses it from its next `require` of that path on. kafkajs requires
 * its produce-path modules lazily (on the first produce request), which is what makes this work
 * without forking it. Returns false when kafkajs had already loaded its own module (it then keeps
 * using its own: correct, only slower). Tied to the pinned kafkajs version (package.json).
 */
export function replaceKafkajsModule(path: string, exports: unknown): boolean {
  const file = join(dirname(require.resolve('kafkajs')), path);
  const cached = require.cache[file];
  if (cached) return cached.exports === exports;
  const module = new Module(file);
  module.filename = file;
  module.loaded = true;
  module.exports = exports;
  require.cache[file] = module;
  return true;
}
