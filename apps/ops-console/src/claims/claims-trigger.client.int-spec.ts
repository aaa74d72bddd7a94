import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPS_IDENTITY_HEADER, ProblemException, verifyOpsIdentity } from '@kuruma/service-kit';
import { ClaimsTriggerClient } from './claims-trigger.client';

const TOKEN = 'ops-service-token-for-the-client-test';
const KEY = 'ops-identity-key-for-the-client-test';

/**
 * A real HTTP listener in claims-trigger's place, answering as its internal listener does: it
 * checks the service token and the signed identity for the exact action, like the real one.
 */
describe(`${ClaimsTriggerClient.name} (real HTTP)`, () => {
  const seen: { method?: string; url?: string; token?: string; identity?: ReturnType<typeof verifyOpsIdentity> }[] = [];
  let server: Server;
  let url = '';

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res) => {
      const action = `${req.method} ${req.url}`;
      const identity = verifyOpsIdentity(req.headers[OPS_IDENTITY_HEADER] as string | undefined, KEY, action);
      seen.push({ method: req.method, url: req.url, token: req.headers['x-ops-token'] as string | undefined, identity });
      const answer = (status: number, body: object) => res.writeHead(status, { 'content-type': 'application/problem+json' }).end(JSON.stringify(body));
      if (req.headers['x-ops-token'] !== TOKEN || !identity) return answer(401, { type: 'https://kurumacover.dev/problems/unauthorized', title: 'Unauthorized', status: 401, detail: 'no' });
      if (req.url?.includes('closed')) return answer(409, { type: 'https://kurumacover.dev/problems/conflict', title: 'Conflict', status: 409, detail: 'claim closed is already withdrawn' });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ claimId: 'c 1', status: 'confirmed' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('acts for the signed-in user with the service token and an identity signed for that one action', async () => {
    const sut = new ClaimsTriggerClient(url, TOKEN, KEY);

    await expect(sut.act('c 1', 'confirm', { username: 'hana', role: 'claims-handler' })).resolves.toEqual({ claimId: 'c 1', status: 'confirmed' });

    expect(seen.at(-1)).toMatchObject({ method: 'POST', url: '/v1/claims/c%201/confirm', token: TOKEN, identity: { actor: 'hana', role: 'claims-handler', action: 'POST /v1/claims/c%201/confirm' } });
  });

  it("passes claims-trigger's refusal on as the same problem", async () => {
    const sut = new ClaimsTriggerClient(url, TOKEN, KEY);

    const refusal = await sut.act('closed', 'withdraw', { username: 'hana', role: 'claims-handler' }).catch((error: unknown) => error);

    expect(refusal).toBeInstanceOf(ProblemException);
    expect((refusal as ProblemException).problem).toEqual({ type: 'https://kurumacover.dev/problems/conflict', title: 'Conflict', status: 409, detail: 'claim closed is already withdrawn' });
  });

  it('answers 503 when claims-trigger cannot be reached', async () => {
    const sut = new ClaimsTriggerClient('http://127.0.0.1:1', TOKEN, KEY);

    const refusal = await sut.act('c 1', 'confirm', { username: 'hana', role: 'claims-handler' }).catch((error: unknown) => error);

    expect((refusal as ProblemException).problem).toMatchObject({ status: 503, title: 'Claims service unavailable' });
  });
});
