/** Injection tokens (Nest DI is explicit here: no decorator metadata in esbuild/vitest builds). */
export const DATABASE = Symbol('DATABASE');
export const CONFIG = Symbol('CONFIG');
