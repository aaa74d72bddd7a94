import createClient, { type Client } from 'openapi-fetch';
import type { paths } from './generated/partner-api';
import { type PartnerService, serviceOfPath } from './gateway-routes';

export type PartnerApi = Client<paths>;

export type PartnerClientOptions = {
  /** The partner's API key, sent as x-api-key on every request. */
  apiKey: string;
  /** The fetch to send with (default: the global one); a partner's own agent, proxy or retry wrapper goes here. */
  fetch?: (request: Request) => Promise<Response>;
} & (
  | {
      /** The partner gateway: every path on one host (docs/partner-api.md). */
      baseUrl: string;
    }
  | {
      /** No gateway: each service's base URL; each request goes to the service its path belongs to. */
      serviceUrls: Record<PartnerService, string>;
    }
);

/**
 * A typed client of the partner API (types generated from docs/openapi.yaml): method, path,
 * parameters, body and each answer, problem+json included, are checked by the compiler.
 *
 *   const api = createPartnerClient({ apiKey, baseUrl: 'https://partner-api.example' });
 *   const { data, error } = await api.POST('/v1/quotes', { body, params: { header: { 'Idempotency-Key': key } } });
 */
export function createPartnerClient(options: PartnerClientOptions): PartnerApi {
  const send = options.fetch ?? ((request: Request) => globalThis.fetch(request));
  if ('baseUrl' in options) return createClient<paths>({ baseUrl: options.baseUrl, fetch: send, headers: { 'x-api-key': options.apiKey } });
  const { serviceUrls } = options;
  // openapi-fetch builds every URL on this placeholder base; the path then picks the service.
  const placeholder = 'http://partner-api.invalid';
  const routed = (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    const service = serviceOfPath(url.pathname);
    if (!service) return Promise.reject(new Error(`no partner service serves ${url.pathname}`));
    const base = serviceUrls[service].replace(/\/+$/, '');
    return send(new Request(`${base}${url.pathname}${url.search}`, request));
  };
  return createClient<paths>({ baseUrl: placeholder, fetch: routed, headers: { 'x-api-key': options.apiKey } });
}
