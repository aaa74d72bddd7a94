import { toStorableText } from '@kuruma/contracts';

interface InFlight<Position> {
  position: Position;
  since: number;
  attempts: number;
  lastError?: string;
}

/** How a stuck lane is named in readiness: `carshare.booking-events.v1[3] at offset 42`. */
export type DescribeLane<Lane, Position> = (lane: Lane, position: Position) => string;

/**
 * Notices a consumer that stopped moving: a Kafka partition or an MQTT intake message whose
 * current record has been in flight (failing and retried, or hanging) for longer than
 * `stuckAfterMs`. Retrying a record that cannot be applied used to look healthy from outside;
 * now readiness fails naming where, and a gauge gives the seconds for alerting.
 *
 * A lane need not be text: the MQTT intake watches each message by its delivery record and the
 * text is made by `describe` only when readiness reports a stuck one (two strings per message were
 * a measurable share of a telemetry flood's garbage).
 */
export class StuckWatch<Lane = string, Position = string> {
  private readonly inFlight = new Map<Lane, InFlight<Position>>();

  constructor(
    private readonly stuckAfterMs: number,
    private readonly now: () => number = Date.now,
    private readonly describe: DescribeLane<Lane, Position> = (lane, position) => `${String(lane)} at ${String(position)}`,
  ) {}

  /** `lane` (topic and partition, or a message) starts on `position`; a retry of it keeps the start. */
  begin(lane: Lane, position: Position): void {
    const current = this.inFlight.get(lane);
    if (current?.position === position) return;
    this.inFlight.set(lane, { position, since: this.now(), attempts: 0 });
  }

  failed(lane: Lane, error: unknown): void {
    const current = this.inFlight.get(lane);
    if (!current) return;
    current.attempts += 1;
    current.lastError = toStorableText(String((error as Error)?.message ?? error)).slice(0, 300);
  }

  /** The lane moved on (applied, dead-lettered, or handed to another consumer). */
  done(lane: Lane): void {
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
          return `stuck on ${this.describe(lane, f.position)} for ${Math.round((this.now() - f.since) / 1000)} s${why}`;
        })
        .join('; '),
    );
  }
}
