/**
 * Which service answers which partner path. Behind one partner-facing gateway (one host, TLS,
 * the partner's API key passed through) each prefix is routed to its service unchanged; without
 * one, a partner calls each service at its own base URL. docs/openapi.yaml lists the same bases
 * in `servers` (tools/openapi.ts reads this table), docs/partner-api.md shows the layout.
 */
export const PARTNER_SERVICES = {
  'booking-ingest': { localUrl: 'http://localhost:3001', prefixes: ['/v1/booking-events'] },
  pricing: { localUrl: 'http://localhost:3002', prefixes: ['/v1/quotes', '/v1/tariffs'] },
  policy: { localUrl: 'http://localhost:3003', prefixes: ['/v1/policies', '/v1/statements'] },
  'claims-trigger': { localUrl: 'http://localhost:3004', prefixes: ['/v1/devices', '/v1/claims'] },
  'partner-webhooks': { localUrl: 'http://localhost:3005', prefixes: ['/v1/webhook-endpoints'] },
} as const satisfies Record<string, { localUrl: string; prefixes: readonly string[] }>;

export type PartnerService = keyof typeof PARTNER_SERVICES;

/** The service a path belongs to (longest matching prefix), or undefined for a path no service has. */
export function serviceOfPath(path: string): PartnerService | undefined {
  let best: { service: PartnerService; length: number } | undefined;
  for (const [service, { prefixes }] of Object.entries(PARTNER_SERVICES) as [PartnerService, (typeof PARTNER_SERVICES)[PartnerService]][]) {
    for (const prefix of prefixes) {
      const matches = path === prefix || path.startsWith(`${prefix}/`);
      if (matches && (!best || prefix.length > best.length)) best = { service, length: prefix.length };
    }
  }
  return best?.service;
}
