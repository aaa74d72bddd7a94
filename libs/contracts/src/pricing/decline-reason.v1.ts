/** Why cover can be refused. Partners may rely on these codes; new codes are additions only. */
export const DECLINE_CODES = [
  'driver-underage',
  'vehicle-owned-by-driver',
  'vehicle-rental',
  'vehicle-special-plate',
  'duration-too-long',
  'start-in-past',
  'vehicle-damage-unresolved',
  'invalid-vehicle',
] as const;
export type DeclineCode = (typeof DECLINE_CODES)[number];
