/**
 * How a service's Node process is started, the same for `npm start`, the tests, the bench and the
 * chaos run (and what a production container's entrypoint should pass).
 *
 * - Source maps: stack traces in the JSON logs point at the TypeScript.
 * - A bounded old generation: V8 sizes its heap from the machine's memory and collects lazily,
 *   so a service that drained a backlog kept hundreds of MB it no longer used; 160 MB of old space
 *   is above what draining needs and keeps each service under its memory target (docs/benchmarks.md,
 *   design notes).
 */
export const SERVICE_NODE_ARGS: readonly string[] = ['--enable-source-maps', '--max-old-space-size=160'];

/**
 * Environment every service process starts with (the caller's environment wins). glibc gives each
 * thread that allocates its own malloc arena; Node's I/O threads then keep freed buffer memory in
 * separate arenas, so two arenas keep resident memory down at no throughput cost (docs/benchmarks.md).
 */
export const SERVICE_ENV: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: '2' };
