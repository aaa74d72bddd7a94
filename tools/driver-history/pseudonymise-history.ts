import { DriverHistoryRepository, type SqlTransactional } from '@kuruma/data-access-db';
import { pseudonymousDriverOf } from '@kuruma/domain-rating';

export type HistoryCounts = Record<'events' | 'quotes' | 'policies' | 'claims', number>;

/**
 * Rewrites, one transaction per batch, every booking accepted before booking-ingest pseudonymised
 * drivers (docs/privacy.md): the partner's reference in its events, quotes, policy and claims
 * becomes the driver's pseudonym at that partner, hashed exactly as ingest hashes it now. Safe to
 * run while the services run (rows are locked per batch) and to run again (it then changes nothing).
 */
export async function pseudonymiseHistory(db: SqlTransactional, key: string, batch = 500, onBatch: (counts: HistoryCounts) => void = () => undefined): Promise<HistoryCounts> {
  const total: HistoryCounts = { events: 0, quotes: 0, policies: 0, claims: 0 };
  for (;;) {
    const counts = await db.$transaction(async (tx) => {
      const history = new DriverHistoryRepository(tx);
      const events = await history.unpseudonymised(batch);
      return history.rewrite(
        events.map((e) => {
          const vehicle = e.ownerReference === null ? {} : { ownerDriverId: e.ownerReference };
          const { request, driverKeys } = pseudonymousDriverOf(key, e.partnerId, { driver: { driverId: e.reference }, vehicle });
          return { ...e, ...driverKeys, ownerKey: request.vehicle.ownerDriverId ?? null };
        }),
      );
    });
    if (counts.events === 0) return total;
    for (const k of Object.keys(total) as (keyof HistoryCounts)[]) total[k] += counts[k];
    onBatch(counts);
  }
}
