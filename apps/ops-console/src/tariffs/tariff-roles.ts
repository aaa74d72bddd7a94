import type { OpsRole } from '../auth/identity-provider';

/** Who may draft a tariff version: actuaries, and admins (who load a filed document for an actuary to approve). */
export const TARIFF_AUTHORS: readonly OpsRole[] = ['actuary', 'admin'];
/** Who may approve and schedule: actuaries only; the domain adds that the approver is not the author. */
export const TARIFF_ACTUARIES: readonly OpsRole[] = ['actuary'];

/** A version as the console's routes take it: `id@hash12`; anything else cannot name a version. */
export const TARIFF_VERSION_PATTERN = /^[a-z0-9-]{1,100}@[0-9a-f]{12}$/;
