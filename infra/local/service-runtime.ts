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
 * Semi-spaces (MB) that differ from SERVICE_NODE_ARGS's. The ops console is no pipeline stage (its
 * work per public event is one JSON parse into the live ring, about a tenth of a millisecond per
 * booking), and its 20,000-event ring makes it the largest service after a bench; half the young
 * generation keeps it further under the 150 MB target (docs/benchmarks.md, "Quotes and memory").
 */
const SEMI_SPACE_MB: Readonly<Record<string, number>> = { 'ops-console': 4 };

/** The Node flags `app` starts with: SERVICE_NODE_ARGS, with its own semi-space where it has one. */
export function serviceNodeArgs(app: string): string[] {
  const semiSpace = SEMI_SPACE_MB[app];
  return SERVICE_NODE_ARGS.map((arg) => (semiSpace !== undefined && arg.startsWith('--max-semi-space-size=') ? `--max-semi-space-size=${semiSpace}` : arg));
}

/**
 * Environment every service process starts with (the caller's environment wins). glibc gives each
 * thread that allocates its own malloc arena; Node's I/O threads then keep freed buffer memory in
 * separate arenas, so two arenas keep resident memory down at no throughput cost (docs/benchmarks.md).
 */
export const SERVICE_ENV: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: '2' };

/** Instance k (0-based) of a service listens on its ports + k * INSTANCE_PORT_STEP. */
export const INSTANCE_PORT_STEP = 10;

/** The variable naming a service's HTTP port (`BOOKING_INGEST_PORT`, ...), as libs/platform/config reads it. */
export const portVariable = (app: string): string => `${app.toUpperCase().replace(/-/g, '_')}_PORT`;

/**
 * The MQTT client id of instance k of claims-trigger, from the first one's: `...-1` becomes
 * `...-2`, any other id gets `.2`. The intake's connections are the id and `id-1`, `id-2`, ...
 * (intakeClientIds), so a plain `-2` suffix could be a connection of the first instance.
 */
export function instanceMqttClientId(first: string, instance: number): string {
  if (instance === 0) return first;
  return /-\d+$/.test(first) ? first.replace(/-\d+$/, `-${instance + 1}`) : `${first}.${instance + 1}`;
}

/**
 * What instance k of a service overrides so it can run beside the others on one machine: its HTTP
 * ports and, for claims-trigger, its MQTT client id (the persistent sessions are per instance; the
 * shared subscription group and the Kafka consumer groups stay the same, so the instances split
 * the work). Instance 0 overrides nothing.
 */
export function instanceEnv(app: string, instance: number, base: { port: number; claimsOpsPort: number; mqttClientId: string }): Record<string, string> {
  if (instance === 0) return {};
  const shift = INSTANCE_PORT_STEP * instance;
  const env: Record<string, string> = { [portVariable(app)]: String(base.port + shift) };
  if (app === 'claims-trigger') {
    env['CLAIMS_TRIGGER_OPS_PORT'] = String(base.claimsOpsPort + shift);
    env['MQTT_CLIENT_ID'] = instanceMqttClientId(base.mqttClientId, instance);
  }
  return env;
}
