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

  /**
   * `action`: a status action, or the claim's money: `reserve` (a new case reserve) and `payments`
   * (a payment of what was settled), with their validated body.
   */
  async act(claimId: string, action: 'confirm' | 'withdraw' | 'close' | 'reserve' | 'payments', actor: OpsIdentity, body?: object): Promise<unknown> {
    const path = `/v1/claims/${encodeURIComponent(claimId)}/${action}`;
    const identity = signOpsIdentity({ actor: actor.username, role: actor.role, action: `POST ${path}`, exp: Date.now() + IDENTITY_TTL_MS }, this.identityKey);
    const response = await fetch(`${this.opsUrl}${path}`, {
      method: 'POST',
      headers: { 'x-ops-token': this.serviceToken, [OPS_IDENTITY_HEADER]: identity, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(5_000),
    }).catch((error: unknown) => {
      throw new ProblemException({ type: 'https://kurumacover.dev/problems/upstream', title: 'Claims service unavailable', status: 503, detail: String(error) });
    });
    const answer = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (!response.ok) {
      throw new ProblemException({
        type: String(answer['type'] ?? 'https://kurumacover.dev/problems/upstream'),
        title: String(answer['title'] ?? 'Claim action refused'),
        status: response.status,
        detail: String(answer['detail'] ?? `claims-trigger answered ${response.status}`),
        ...(Array.isArray(answer['errors']) ? { errors: answer['errors'] } : {}),
      });
    }
    return answer;
  }
}
