import type { DatabaseTx } from '@kuruma/data-access-db';

/**
 * Records message keys as processed inside the caller's transaction and returns the keys that are
 * new. A redelivered or duplicated message finds its key already there and has no second effect.
 */
export async function claimInboxKeys(tx: DatabaseTx, consumer: string, keys: string[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const unique = [...new Set(keys)];
  const rows = await tx.$queryRaw<{ message_key: string }[]>`
    INSERT INTO inbox (consumer, message_key)
    SELECT ${consumer}, k FROM unnest(${unique}::text[]) AS k
    ON CONFLICT DO NOTHING
    RETURNING message_key`;
  return new Set(rows.map((r) => r.message_key));
}
