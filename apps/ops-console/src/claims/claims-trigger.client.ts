import { OPS_IDENTITY_HEADER, ProblemException, signOpsIdentity } from '@kuruma/service-kit';
import type { OpsIdentity } from '../auth/identity-provider';

/** How long a signed identity is good for: one call, with room for clock skew between hosts. */
const IDENTITY_TTL_MS = 30_000;

/**
 * Claim decisions belong to claims-trigger (it owns the claim and publishes the claim events);
 * the console asks it to act for the signed-in user on claims-trigger's internal listener, with
 * the service token and the user's identity signed for this one action.
 */
export class ClaimsTriggerClient {
  constructor(
    /** CLAIMS_TRIGGER_OPS_URL: the internal listener, not the partner-facing port. */
    private readonly opsUrl: string,
    private readonly serviceToken: string,
    private readonly identityKey: string,
  ) {}

  async act(claimId: string, action: 'confirm' | 'withdraw', actor: OpsIdentity): Promise<unknown> {
    const path = `/v1/claims/${encodeURIComponent(claimId)}/${action}`;
    const identity = signOpsIdentity({ actor: actor.username, role: actor.role, action: `POST ${path}`, exp: Date.now() + IDENTITY_TTL_MS }, this.identityKey);
    const response = await fetch(`${this.opsUrl}${path}`, {
      method: 'POST',
      headers: { 'x-ops-token': this.serviceToken, [OPS_IDENTITY_HEADER]: identity },
      signal: AbortSignal.timeout(5_000),
    }).catch((error: unknown) => {
      throw new ProblemException({ type: 'https://kurumacover.dev/problems/upstream', title: 'Claims service unavailable', status: 503, detail: String(error) });
    });
    const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (!response.ok) {
      throw new ProblemException({
        type: String(body['type'] ?? 'https://kurumacover.dev/problems/upstream'),
        title: String(body['title'] ?? 'Claim action refused'),
        status: response.status,
        detail: String(body['detail'] ?? `claims-trigger answered ${response.status}`),
      });
    }
    return body;
  }
}
