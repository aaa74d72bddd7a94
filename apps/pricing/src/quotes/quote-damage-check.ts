import { vehicleDamageFlagKey } from '@kuruma/contracts';
import type { VehicleDamageLookup } from '../vehicle-damage/vehicle-damage.lookup';

interface Waiting {
  vehicle: { partnerId: string; vehicleId: string };
  resolve: (damaged: boolean) => void;
  reject: (error: unknown) => void;
}

/**
 * The fraud guard for quotes, one vehicle per request, with the lookups of requests handled in the
 * same turn of the event loop sent to Redis as one MGET: each Redis command cost pricing a socket
 * write and a read, a quarter of its CPU per quote at 2,000/s (docs/benchmarks.md, "Quotes and
 * memory"). The batch leaves at the end of the turn (setImmediate), so a lone request waits for
 * nothing; no answer is cached, and a Redis error fails every request of its batch, as it would
 * have failed each one alone.
 */
export class QuoteDamageCheck {
  private waiting: Waiting[] = [];

  constructor(private readonly lookup: VehicleDamageLookup) {}

  hasOpenDamage(partnerId: string, vehicleId: string): Promise<boolean> {
    return new Promise((resolve, reject) => {
      if (this.waiting.length === 0) setImmediate(() => this.send());
      this.waiting.push({ vehicle: { partnerId, vehicleId }, resolve, reject });
    });
  }

  private send(): void {
    const batch = this.waiting;
    this.waiting = [];
    this.lookup.withOpenDamage(batch.map((w) => w.vehicle)).then(
      (damaged) => {
        for (const w of batch) w.resolve(damaged.has(vehicleDamageFlagKey(w.vehicle.partnerId, w.vehicle.vehicleId)));
      },
      (error: unknown) => {
        for (const w of batch) w.reject(error);
      },
    );
  }
}
