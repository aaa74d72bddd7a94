import { SetMetadata } from '@nestjs/common';
import type { OpsRole } from './identity-provider';

export const ROLES_KEY = 'kuruma:ops-roles';
export const ROLE_REFUSAL_KEY = 'kuruma:ops-role-refusal';

/** Who works the claims queue: confirms and withdraws claims. */
export const CLAIM_HANDLERS: readonly OpsRole[] = ['claims-handler', 'admin'];

/** `@Roles('claims-handler', 'admin')`: OpsSessionGuard lets only these roles through (403 otherwise). */
export const Roles = (...roles: OpsRole[]) => SetMetadata(ROLES_KEY, roles);

/** What a refused attempt was, for the 403 detail and the audit log. */
export interface RoleRefusal {
  /** Completes "role viewer may not ...": `confirm claims`. */
  attempt: string;
  /** The audit log action recorded for the refusal, e.g. `claim.confirm-refused`. */
  auditAction: string;
  targetType: string;
  /** The route parameter naming the record the user tried to act on. */
  targetParam: string;
}

/**
 * A role refusal on this route is itself an ops action: written to the audit log (who tried
 * what on which record) before the 403, so the claim's history shows attempts as well as changes.
 */
export const AuditRoleRefusal = (refusal: RoleRefusal) => SetMetadata(ROLE_REFUSAL_KEY, refusal);
