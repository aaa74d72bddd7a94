import type { ZodType } from 'zod';
import { VEHICLE_DAMAGE_FLAG } from './claims/vehicle-damage.v1';

/**
 * State one service keeps for another to read, outside the event log: a contract like a topic,
 * declared once here (and in docs/asyncapi.yaml), so the key, its writer, its readers and what
 * its presence means cannot drift between the services.
 */
export interface SharedStateSpec {
  /** Its name in the documentation. */
  readonly name: string;
  /** Where it lives. */
  readonly store: 'redis';
  /** Key pattern, `{param}` for each part that varies. */
  readonly key: string;
  /** What the key's presence and value mean to its readers. */
  readonly meaning: string;
  /** The value stored under the key. */
  readonly value: ZodType;
  /** Services that write it (only these). */
  readonly writers: readonly string[];
  /** Services that read it. */
  readonly readers: readonly string[];
  /** Where the state is rebuilt from when the store loses it. */
  readonly source: string;
}

/** Every piece of shared state, declared once (docs/asyncapi.yaml documents each as a channel). */
export const SHARED_STATE_SPECS: readonly SharedStateSpec[] = [VEHICLE_DAMAGE_FLAG];
