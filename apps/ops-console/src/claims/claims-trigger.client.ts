import { ProblemException } from '@kuruma/service-kit';
import type { OpsIdentity } from '../auth/identity-provider';

/**
 * Claim decisions belong to claims-trigger (it owns the claim and publishes the claim events);
 * the console asks it to act for the signed-in user with the shared service token.
 */
export class ClaimsTriggerClient {
  constructor(
    private readonly baseUrl: string,
    private readonly serviceToken: string,
  ) {}

  async act(claimId: string, action: 'confirm' | 'withdraw', actor: OpsIdentity): Promise<unknown> {
    const response = await fetch(`${this.baseUrl}/v1/claims/${encodeURIComponent(claimId)}/${action}`, {
      method: 'POST',
      headers: { 'x-ops-token': this.serviceToken, 'x-ops-actor': actor.username, 'x-ops-role': actor.role },
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
