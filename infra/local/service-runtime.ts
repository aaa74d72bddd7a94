/**
 * How a service's Node process is started, the same for `npm start`, the tests, the bench and the
 * chaos run (and what a production container's entrypoint should pass).
 *
 * - Source maps: stack traces in the JSON logs point at the TypeScript.
 * - A bounded old generation: V8 sizes its heap from the machine's memory and collects lazily,
 *   so a service that drained a backlog kept hundreds of MB it no longer used; 160 MB of old space
 *   is above what draining needs and keeps each service under its memory target (docs/benchmarks.md,
 *   design notes).
 * - An 8 MB semi-space instead of V8's 16 MB on this machine size: the young generation (two
 *   semi-spaces) stays resident once a burst has grown it, 32 MB per service, 16 MB now; it
 *   decides the Kafka consumers' resident memory after a drain, for 2-8 % more of their CPU (inside
 *   this machine's noise). 4 MB saved 8 MB more, but garbage collection then took a sixth of
 *   pricing's time under quote load (docs/benchmarks.md, "Quotes and memory").
 * - WebAssembly compiled by the baseline compiler only: Prisma's query compiler, which the
 *   ops console and claims-trigger once ran, kept 30-40 MB of code and compiler memory resident in
 *   its optimised tier. No service loads Prisma any more; the only WebAssembly left is undici's
 *   HTTP parser (fetch), for which the baseline tier is plenty.
 */
export const SERVICE_NODE_ARGS: readonly string[] = ['--enable-source-maps', '--max-old-space-size=160', '--max-semi-space-size=8', '--liftoff-only'];

/**
 * Environment every service process starts with (the caller's environment wins). glibc gives each
 * thread that allocates its own malloc arena; Node's I/O threads then keep freed buffer memory in
 * separate arenas, so two arenas keep resident memory down at no throughput cost (docs/benchmarks.md).
 */
export const SERVICE_ENV: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: '2' };
