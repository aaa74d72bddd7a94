import { describe, expect, it } from 'vitest';
import { createPartnerClient } from './partner-client';

/**
 * The requests the client puts on the wire, seen through the `fetch` option a partner may pass
 * (its own agent or retry wrapper): which URL, which method, which headers.
 */
function wire() {
  const sent: { method: string; url: string; apiKey: string | null; idempotencyKey: string | null }[] = [];
  const fetch = async (request: Request) => {
    sent.push({ method: request.method, url: request.url, apiKey: request.headers.get('x-api-key'), idempotencyKey: request.headers.get('idempotency-key') });
    return new Response(JSON.stringify({ items: [], nextCursor: null }), { status: 200, headers: { 'content-type': 'application/json' } });
  };
  return { sent, fetch };
}

const SERVICES = { 'booking-ingest': 'https://ingest.internal', pricing: 'https://pricing.internal/', policy: 'https://policy.internal', 'claims-trigger': 'https://claims.internal', 'partner-webhooks': 'https://webhooks.internal' };
const CLAIM = '0190c0de-0000-7000-8000-000000000001';

describe(createPartnerClient.name, () => {
  it('sends every request to the gateway with the API key', async () => {
    const { sent, fetch } = wire();
    const sut = createPartnerClient({ apiKey: 'k-1', baseUrl: 'https://partner-api.example', fetch });
    await sut.GET('/v1/policies', { params: { query: { limit: 10 } } });
    await sut.GET('/v1/claims/{claimId}', { params: { path: { claimId: CLAIM } } });
    expect(sent).toEqual([
      { method: 'GET', url: 'https://partner-api.example/v1/policies?limit=10', apiKey: 'k-1', idempotencyKey: null },
      { method: 'GET', url: `https://partner-api.example/v1/claims/${CLAIM}`, apiKey: 'k-1', idempotencyKey: null },
    ]);
  });

  it('without a gateway, sends each request to the service its path belongs to, with its Idempotency-Key', async () => {
    const { sent, fetch } = wire();
    const sut = createPartnerClient({ apiKey: 'k-2', serviceUrls: SERVICES, fetch });
    await sut.POST('/v1/claims/{claimId}/confirm', { params: { path: { claimId: CLAIM }, header: { 'Idempotency-Key': 'key-1' } } });
    await sut.GET('/v1/policies', { params: { query: { bookingId: 'bk 1', cursor: 'abc.def' } } });
    await sut.GET('/v1/claims', {});
    expect(sent).toEqual([
      { method: 'POST', url: `https://claims.internal/v1/claims/${CLAIM}/confirm`, apiKey: 'k-2', idempotencyKey: 'key-1' },
      { method: 'GET', url: 'https://policy.internal/v1/policies?bookingId=bk%201&cursor=abc.def', apiKey: 'k-2', idempotencyKey: null },
      { method: 'GET', url: 'https://claims.internal/v1/claims', apiKey: 'k-2', idempotencyKey: null },
    ]);
  });
});
