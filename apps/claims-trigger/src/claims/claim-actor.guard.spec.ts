import type { ExecutionContext } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import type { PartnerRecord } from '@kuruma/data-access-db';
import { PartnerAuthenticator, signOpsIdentity } from '@kuruma/service-kit';
import { claimActorOf, ClaimActorGuard, type ClaimActorRequest } from './claim-actor.guard';

const config = { CLAIMS_TRIGGER_OPS_PORT: 3104, OPS_SERVICE_TOKEN: 'ops-service-token-for-tests', OPS_IDENTITY_KEY: 'ops-identity-key-for-tests-0123456789abcdef' };
const demo = { id: 'demo', name: 'Demo', webhookSecret: 'whsec_x' } as PartnerRecord;
const auth = new PartnerAuthenticator({ findByApiKey: async (key: string) => (key === 'good-key' ? demo : null) });
const CLAIM = '0190c0de-0000-7000-8000-000000000001';
const path = `/v1/claims/${CLAIM}/confirm`;

const request = (headers: Record<string, string>, port = config.CLAIMS_TRIGGER_OPS_PORT): ClaimActorRequest => ({ headers, method: 'POST', url: path, socket: { localPort: port } });
const contextOf = (req: ClaimActorRequest) => ({ switchToHttp: () => ({ getRequest: () => req }) }) as unknown as ExecutionContext;
const identity = (action = `POST ${path}`, exp = Date.now() + 30_000) => signOpsIdentity({ actor: 'hanako', role: 'claims-handler', action, exp }, config.OPS_IDENTITY_KEY);
const ops = (extra: Record<string, string> = {}) => ({ 'x-ops-token': config.OPS_SERVICE_TOKEN, 'x-ops-identity': identity(), ...extra });

async function actorFor(req: ClaimActorRequest) {
  await new ClaimActorGuard(auth, config).canActivate(contextOf(req));
  return claimActorOf(req);
}
const refusalFor = (req: ClaimActorRequest) => actorFor(req).then(
  () => null,
  (error: { problem?: { status: number; detail: string }; name: string; detail?: string }) => error.problem ?? { name: error.name, detail: error.detail },
);

describe(ClaimActorGuard.name, () => {
  it('acts for the ops user the console signed for this request, on the internal listener', async () => {
    expect(await actorFor(request(ops()))).toEqual({ name: 'hanako', role: 'claims-handler' });
  });

  it('refuses the ops token on any other port, even with a valid identity (403)', async () => {
    expect(await refusalFor(request(ops(), 3004))).toMatchObject({ status: 403, detail: 'the ops token is accepted only on the internal ops listener' });
  });

  it('refuses a wrong token, and an identity missing, expired or signed for another action (401)', async () => {
    expect(await refusalFor(request(ops({ 'x-ops-token': 'ops-service-token-for-tesTS' })))).toMatchObject({ status: 401, detail: 'invalid ops token' });
    expect(await refusalFor(request({ 'x-ops-token': config.OPS_SERVICE_TOKEN }))).toMatchObject({ status: 401 });
    expect(await refusalFor(request(ops({ 'x-ops-identity': identity(`POST ${path}`, Date.now() - 1) })))).toMatchObject({ status: 401 });
    expect(await refusalFor(request(ops({ 'x-ops-identity': identity(`POST /v1/claims/${CLAIM}/withdraw`) })))).toMatchObject({ status: 401 });
  });

  it('takes a caller without the ops token for a partner, by its API key', async () => {
    expect(await actorFor(request({ 'x-api-key': 'good-key' }, 3004))).toEqual({ name: 'partner:demo', role: 'partner', partnerId: 'demo' });
    expect(await refusalFor(request({ 'x-ops-role': 'admin' }, 3004))).toEqual({ name: 'UnauthenticatedError', detail: 'missing x-api-key header' });
  });
});
