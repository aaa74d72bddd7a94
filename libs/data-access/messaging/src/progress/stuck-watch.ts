import { toStorableText } from '@kuruma/contracts';

interface InFlight {
  position: string;
  since: number;
  attempts: number;
  lastError?: string;
}

/**
 * Notices a consumer that stopped moving: a Kafka partition or an MQTT intake connection whose
 * current record has been in flight (failing and retried, or hanging) for longer than
 * `stuckAfterMs`. Retrying a record that cannot be applied used to look healthy from outside;
 * now readiness fails naming where, and a gauge gives the seconds for alerting.
 */
export class StuckWatch {
  private readonly inFlight = new Map<string, InFlight>();

  constructor(
    private readonly stuckAfterMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** `lane` (topic and partition, or connection) starts on `position`; a retry of it keeps the start. */
  begin(lane: string, position: string): void {
    const current = this.inFlight.get(lane);
    if (current?.position === position) return;
    this.inFlight.set(lane, { position, since: this.now(), attempts: 0 });
  }

  failed(lane: string, error: unknown): void {
    const current = this.inFlight.get(lane);
    if (!current) return;
    current.attempts += 1;
    current.lastError = toStorableText(String((error as Error)?.message ?? error)).slice(0, 300);
  }

  /** The lane moved on (applied, dead-lettered, or handed to another consumer). */
  done(lane: string): void {
    this.inFlight.delete(lane);
  }

  /** Seconds the longest-waiting lane has been on its current record (0 when none is in flight). */
  longestSeconds(): number {
    let oldest = Infinity;
    for (const { since } of this.inFlight.values()) oldest = Math.min(oldest, since);
    return oldest === Infinity ? 0 : (this.now() - oldest) / 1000;
  }

  /** Readiness: throws naming every lane stuck beyond the limit, where and why. */
  check(): void {
    const stuck = [...this.inFlight].filter(([, f]) => this.now() - f.since > this.stuckAfterMs);
    if (stuck.length === 0) return;
    throw new Error(
      stuck
        .map(([lane, f]) => {
          const why = f.lastError ? `, ${f.attempts} failed attempts, last: ${f.lastError}` : ', no answer yet';
          return `stuck on ${lane} at ${f.position} for ${Math.round((this.now() - f.since) / 1000)} s${why}`;
        })
        .join('; '),
    );
  }
}
