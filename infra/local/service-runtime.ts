/**
 * How a service's Node process is started, the same for `npm start`, the tests, the bench and the
 * chaos run (and what a production container's entrypoint should pass).
 *
 * - Source maps: stack traces in the JSON logs point at the TypeScript.
 * - A bounded old generation: V8 sizes its heap from the machine's memory (about 4 GB here) and
 *   collects lazily, so a service that drained a backlog kept hundreds of MB it no longer used.
 *   A service's heap peaks at 60-100 MB while it drains a 20,000-booking backlog (measured; Kafka
 *   fetches are capped at 1 MiB per partition); with 160 MB of old space V8 collects sooner and
 *   each service stays under 250 MB resident (128 MB gave longer GC pauses in the bind tail).
 */
export const SERVICE_NODE_ARGS: readonly string[] = ['--enable-source-maps', '--max-old-space-size=160'];

/**
 * Environment every service process starts with (the caller's environment wins). glibc gives each
 * thread that allocates its own malloc arena; Node's I/O threads then keep freed buffer memory in
 * separate arenas. Two arenas cut resident memory by 30-60 MB per service in the backlog bench
 * (pricing 266 -> 205-216 MB) at no throughput cost.
 */
export const SERVICE_ENV: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: '2' };
