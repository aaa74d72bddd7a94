import type { DatabaseTx, PartnerVehicle, SqlTransactional } from '@kuruma/data-access-db';

/** What a batch's transaction does for each signal, and around them; `E` collects the batch's effects. */
export interface SignalTransactionSteps<S, R, E> {
  /** The advisory locks of the batch's partner vehicles, taken as its transaction begins (in key order: two batches cannot deadlock). */
  locks(vehicles: PartnerVehicle[]): string[];
  /** An empty collection of effects for one transaction. */
  effects(): E;
  /**
   * Reads up front, in one round trip, what the first signal of each vehicle in the batch needs,
   * into `effects` (optional). A later signal on the same vehicle is not given: it must read its
   * own in `apply`, after the earlier one's writes.
   */
  read?(tx: DatabaseTx, firstOfEachVehicle: S[], effects: E): Promise<void>;
  /** Applies one signal on its locked vehicle; what it publishes goes to `effects`. */
  apply(tx: DatabaseTx, signal: S, effects: E): Promise<R>;
  /** Writes the batch's effects (outbox events, flags) once, before the transaction commits. */
  finish(tx: DatabaseTx, effects: E): Promise<void>;
}

interface Pending<S, R> {
  signal: S;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit of device alerts: the alerts that arrive while a transaction is in flight share
 * the next one (one BEGIN with the vehicle locks in its round trip, one read for the first alert of
 * each vehicle, one statement for the claims they open, one outbox insert, one Redis pipeline for
 * the damage flags and one COMMIT for all of them, and a write for each alert that joins or
 * withdraws a claim or is an incident), and each is resolved once that transaction committed, so its
 * PUBACK still follows its durability. Alerts are applied one after another inside the batch in
 * arrival order per vehicle, so one applied earlier is seen by the next (one accident, one
 * claim). A batch that fails is retried one alert per transaction: an alert the database refuses
 * fails alone (the caller dead-letters it), and the others commit. An outage fails each alone,
 * for the intake to retry unacknowledged.
 */
export class SignalTransactions<S extends PartnerVehicle, R, E> {
  private readonly pending: Pending<S, R>[] = [];
  private running = 0;

  constructor(
    private readonly db: SqlTransactional,
    private readonly steps: SignalTransactionSteps<S, R, E>,
    private readonly maxBatch = 16,
    // Transactions in flight at once. Two, not one: a transaction waiting on a vehicle lock (another
    // instance's alert, an ops action on the claim) holds up only half the intake. Not eight: at
    // 200 alerts/s, eight writers made batches of about four and more transactions than the machine
    // could afford, and the wait grew (FNOL p99 307-457 ms with 8, 124-229 with 2, 98-153 with 1;
    // 8.0 / 7.4 / 6.7 CPU ms per claim; docs/benchmarks.md, "Alert transactions in flight").
    private readonly concurrency = 2,
  ) {}

  submit(signal: S): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.pending.push({ signal, resolve, reject });
      if (this.running < this.concurrency) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running += 1;
    try {
      while (this.pending.length > 0) {
        const batch = this.pending.splice(0, this.maxBatch);
        if (batch.length === 1) await this.runAlone(batch[0] as Pending<S, R>);
        else await this.runBatch(batch);
      }
    } finally {
      this.running -= 1;
    }
  }

  private async runBatch(batch: Pending<S, R>[]): Promise<void> {
    let results: R[];
    try {
      results = await this.transaction(batch.map((p) => p.signal));
    } catch {
      for (const p of batch) await this.runAlone(p);
      return;
    }
    batch.forEach((p, i) => p.resolve(results[i] as R));
  }

  private async runAlone(p: Pending<S, R>): Promise<void> {
    try {
      const [result] = await this.transaction([p.signal]);
      p.resolve(result as R);
    } catch (error) {
      p.reject(error);
    }
  }

  private transaction(signals: S[]): Promise<R[]> {
    return this.db.$transaction(async (tx) => {
      const effects = this.steps.effects();
      await this.steps.read?.(tx, firstOfEachVehicle(signals), effects);
      const results: R[] = [];
      for (const s of signals) results.push(await this.steps.apply(tx, s, effects));
      await this.steps.finish(tx, effects);
      return results;
      // The vehicles' situations and the claims opened go by key over arrays: planned once, not on every batch.
    }, { advisoryLocks: this.steps.locks(signals), genericPlans: true });
  }
}

/** The first signal of each partner vehicle, in batch order (`/` is in neither identifier). */
function firstOfEachVehicle<S extends PartnerVehicle>(signals: S[]): S[] {
  const vehicles = new Set<string>();
  return signals.filter((s) => {
    const key = `${s.partnerId}/${s.vehicleId}`;
    if (vehicles.has(key)) return false;
    vehicles.add(key);
    return true;
  });
}
