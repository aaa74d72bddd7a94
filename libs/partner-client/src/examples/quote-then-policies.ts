import type { components } from '../generated/partner-api';
import { allPages } from '../all-pages';
import type { PartnerApi } from '../partner-client';

type QuoteRequest = components['schemas']['QuoteRequest'];
type Policy = components['schemas']['Policy'];
type Problem = components['schemas']['Problem'];

/** What a partner's booking screen needs: the price to show, then the policies the booking has. */
export interface QuoteAndPolicies {
  quote: components['schemas']['Quote'];
  /** Whether the quote is the stored answer to an earlier try with the same key. */
  replayed: boolean;
  policies: Policy[];
}

/** A refusal as the API gave it (RFC 9457 problem details), for the partner to show or log. */
export class PartnerApiError extends Error {
  constructor(readonly status: number, readonly problem: Problem | undefined) {
    super(`${status} ${problem?.title ?? 'error'}: ${problem?.detail ?? ''}`);
  }
}

/**
 * The example of docs/partner-api.md: price a booking (safe to retry: the same `idempotencyKey`
 * never prices twice and answers the first quote again), then read every policy of the booking,
 * a page at a time.
 */
export async function quoteThenPolicies(api: PartnerApi, request: QuoteRequest, idempotencyKey: string, pageSize = 20): Promise<QuoteAndPolicies> {
  const quoted = await api.POST('/v1/quotes', { body: request, params: { header: { 'Idempotency-Key': idempotencyKey } } });
  if (!quoted.data) throw new PartnerApiError(quoted.response.status, quoted.error as Problem | undefined);
  const policies: Policy[] = [];
  const pages = allPages(async (cursor) => {
    const page = await api.GET('/v1/policies', { params: { query: { bookingId: request.bookingId, limit: pageSize, cursor } } });
    if (!page.data) throw new PartnerApiError(page.response.status, page.error as Problem | undefined);
    return page.data;
  });
  for await (const policy of pages) policies.push(policy);
  return { quote: quoted.data, replayed: quoted.response.headers.get('idempotent-replayed') === 'true', policies };
}
