import type { WebhookEndpointV1 } from '@kuruma/contracts';
import type { WebhookEndpointRow } from '@kuruma/data-access-db';

/** An endpoint as its partner sees it; the secret only when `withSecret` (creation, rotation). */
export function endpointView(row: WebhookEndpointRow, withSecret = false): WebhookEndpointV1 {
  return {
    id: row.id,
    url: row.url,
    eventTypes: row.event_types,
    enabled: row.enabled,
    disabledReason: row.disabled_reason,
    failingSince: row.failing_since?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    ...(withSecret ? { secret: row.secret, previousSecretExpiresAt: row.previous_secret_expires_at?.toISOString() ?? null } : {}),
  };
}
