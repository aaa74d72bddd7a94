import type { AppName, PlatformProcesses } from '../platform-processes';

/** Process names of a service's instances in PlatformProcesses: the first is the service's name, the k-th `<app>#k`. */
export const instanceNames = (app: AppName, instances: number): string[] => Array.from({ length: instances }, (_, k) => (k === 0 ? app : `${app}#${k + 1}`));

/**
 * Which instances the `nth` kill (0-based) of a service hits. One instance: that one. Several: each
 * alone in turn, then all at once (a node failure taking every replica): so most kills leave a
 * survivor that must take over the partitions, the outbox relay's lock and the periodic jobs, and
 * some leave none, which the service must survive as it does with one instance.
 */
export function killTargets(app: AppName, instances: number, nth: number): string[] {
  const names = instanceNames(app, instances);
  if (names.length === 1) return names;
  const turn = nth % (names.length + 1);
  return turn < names.length ? [names[turn] as string] : names;
}

/** Starts the second and later instances of `apps`, as `npm start -- --instances n` runs them (their own ports, the same groups). */
export async function startMoreInstances(platform: PlatformProcesses, apps: readonly AppName[], instances: number): Promise<void> {
  for (let k = 1; k < instances; k++) await Promise.all(apps.map((app) => platform.startExtra(app, `${app}#${k + 1}`, k, 180_000)));
}

/** `kill -9` of the named instances at once, `downMs` with them down, then each started again until ready. */
export async function killInstances(platform: PlatformProcesses, names: string[], downMs: number): Promise<void> {
  await Promise.all(names.map((name) => platform.killByName(name)));
  await new Promise((r) => setTimeout(r, downMs));
  await Promise.all(names.map((name) => platform.restartByName(name)));
}
