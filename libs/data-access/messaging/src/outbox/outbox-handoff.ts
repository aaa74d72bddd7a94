import { randomBytes } from 'node:crypto';

/** An outbox row as the relay sends it, from the database or handed over by its writer. */
export interface OutboxRow {
  /** The row's bigserial id as node-postgres returns an int8: decimal text. */
  id: string;
  topic: string;
  key: string;
  payload: string | null;
  payload_bytes: Buffer | null;
  headers: Record<string, string> | null;
  /** The row's commit instant as the database stamped it (clock_timestamp() at insert). */
  created_at: Date;
}

/** Rows held for their commit notification; past this the writers stop holding and the relay reads. */
const MAX_HELD_ROWS = 20_000;
/**
 * A transaction that inserted rows and then rolled back never notifies: its rows are dropped
 * this long after they were held (a commit notification takes milliseconds).
 */
const HELD_FOR_MS = 30_000;

interface Held {
  rows: OutboxRow[];
  heldAt: number;
}

/**
 * The rows a process has just written to its outbox, handed to its own relay so that the relay
 * need not read them back from Postgres: the read between a commit and its publish was one
 * statement (and one round trip on the publish path) per batch, 7.5 % of Postgres's statement
 * time in a drain (docs/benchmarks.md, "Outbox hand-off").
 *
 * The database stays the authority. A writer holds its inserted rows under a token that it also
 * sends as its commit notification's payload; Postgres delivers notifications only on commit and
 * in commit order. So a token the relay knows means "these rows are committed", and the relay
 * sends them from memory. A token it does not know (another instance's commit, or one whose rows
 * were not held) or a lost notification makes it read as before, which also publishes any held
 * row that was committed: `forget` then drops it here. Rows of a transaction that rolled back are
 * never announced and are dropped after HELD_FOR_MS.
 *
 * Writers find the hand-off by producer name, in this process, as they find the relay's channel
 * in Postgres by the same name: the writer functions stay free of a relay instance (a process with
 * no relay, such as a test or a job, holds nothing).
 */
export class OutboxHandoff {
  private static readonly byProducer = new Map<string, OutboxHandoff>();

  /** The hand-off of `producer`'s relay in this process, while it leads; otherwise none. */
  static of(producer: string): OutboxHandoff | undefined {
    const handoff = OutboxHandoff.byProducer.get(producer);
    return handoff?.accepting ? handoff : undefined;
  }

  /** This process's tokens: unique across processes and restarts, so another's is never taken for ours. */
  private readonly prefix = `${process.pid.toString(36)}.${randomBytes(6).toString('base64url')}.`;
  private sequence = 0;
  private readonly held = new Map<string, Held>();
  private heldRows = 0;
  private accepting = false;

  constructor(private readonly producer: string) {}

  /** The relay leads: writers may hand it their rows. */
  open(): void {
    OutboxHandoff.byProducer.set(this.producer, this);
    this.accepting = true;
  }

  /** The relay no longer leads (or stops): nothing more is held, and what was held is dropped. */
  close(): void {
    this.accepting = false;
    if (OutboxHandoff.byProducer.get(this.producer) === this) OutboxHandoff.byProducer.delete(this.producer);
    this.held.clear();
    this.heldRows = 0;
  }

  /** A token for one insert's rows, or '' when they should not be held (the notification then asks for a read). */
  token(): string {
    return this.accepting && this.heldRows < MAX_HELD_ROWS ? `${this.prefix}${(this.sequence++).toString(36)}` : '';
  }

  /** Holds an insert's rows under its token until its commit is announced. */
  hold(token: string, rows: OutboxRow[]): void {
    if (!token || !this.accepting) return;
    this.held.set(token, { rows, heldAt: Date.now() });
    this.heldRows += rows.length;
  }

  /**
   * The committed rows of an announced token, in id order; undefined when the token is not held
   * (not ours, or dropped), which the relay answers by reading.
   */
  take(token: string): OutboxRow[] | undefined {
    const entry = this.held.get(token);
    if (!entry) return undefined;
    this.held.delete(token);
    this.heldRows -= entry.rows.length;
    return entry.rows;
  }

  /** Rows the relay published from a read: they must not be sent again when their token is announced. */
  forget(ids: ReadonlySet<string>): void {
    if (ids.size === 0 || this.heldRows === 0) return;
    for (const entry of this.held.values()) {
      const kept = entry.rows.filter((r) => !ids.has(r.id));
      this.heldRows -= entry.rows.length - kept.length;
      entry.rows = kept;
    }
  }

  /** Drops what a rolled-back transaction held (its token never comes). */
  expire(now = Date.now()): void {
    for (const [token, entry] of this.held) {
      // Held in insertion order: the first young entry ends the scan.
      if (now - entry.heldAt < HELD_FOR_MS) break;
      this.held.delete(token);
      this.heldRows -= entry.rows.length;
    }
  }

  /** Rows held now (a gauge for operators; near zero except in flight). */
  size(): number {
    return this.heldRows;
  }
}
