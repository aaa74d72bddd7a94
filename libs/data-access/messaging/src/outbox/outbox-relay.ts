import { present } from '@kuruma/contracts';
import { hostname } from 'node:os';
import { Client } from 'pg';
import type { Logger } from 'pino';
import type { SqlTx } from '@kuruma/data-access-db';
import type { EventProducer } from '../kafka/event-producer';
import { OutboxHandoff, type OutboxRow } from './outbox-handoff';
import { outboxChannel } from './outbox-writer';
import type { OutboxPublishTrace } from '../tracing/outbox-publish-trace';

export interface OutboxRelayOptions {
  producer: string;
  db: SqlTx;
  databaseUrl: string;
  kafka: EventProducer;
  logger: Logger;
  batchSize?: number;
  /**
   * How long sent rows may wait for their "published" mark, so that the batches sent meanwhile
   * share one statement (default 100 ms). A leader that dies within it leaves them unmarked, and
   * its successor sends them again (at-least-once; consumers de-duplicate by event id).
   */
  markDelayMs?: number;
  /** Fallback poll when no notification arrives (notifications are lost while disconnected). */
  pollIntervalMs?: number;
  /** `read`: the rows came from a read of the outbox; otherwise from this process's writers (OutboxHandoff). */
  onPublished?: (count: number, oldestCreatedAt: Date | null, read: boolean) => void;
  /** Published rows older than this are deleted (default 7 days). */
  retentionMs?: number;
  /** How often the leader deletes expired rows (default every minute). */
  pruneIntervalMs?: number;
  onPruned?: (count: number) => void;
  /**
   * Another topic a row is also published to (the partner's own copy of a shared-topic event,
   * see PartnerTopicRouter), or null. Both copies go in the same send, before the row is marked.
   */
  mirror?: (row: { topic: string; headers: Record<string, string> | null }) => Promise<string | null>;
  /** Each read of the outbox (a statement); rows handed over by this process's writers need none. */
  onRead?: () => void;
  /** Per batch: the hop latency and span of each row, from its commit to Kafka's acknowledgement. */
  trace?: () => OutboxPublishTrace;
}

/** Rows deleted per statement: short transactions that never hold up the relay for long. */
const PRUNE_BATCH = 5_000;

/**
 * Publishes committed outbox rows to Kafka and marks them published. Only one relay per producer
 * is active (a Postgres advisory lock), which keeps each key's events in order: a read sends in id
 * order, and rows handed over by this process's writers (OutboxHandoff) go in the order their
 * commits were announced. Either order keeps a key's events in order, since the writers of one key
 * serialise on its lock (its id order is its commit order).
 * Crash after send and before the mark: the rows are sent again; consumers de-duplicate by event id.
 */
export class OutboxRelay {
  private listener?: Client;
  private stopped = false;
  private wake?: () => void;
  /**
   * A notification that arrived while the relay was not asleep (reading, sending, pruning): the
   * next sleep returns at once. Without it a row committed between an empty read and the sleep
   * waited out the whole poll interval (500 ms), the tail of every latency behind it.
   */
  private woken = false;
  private loop?: Promise<void>;
  private leader = false;
  private lastError?: string;
  /** Rows this process's writers hold for the relay until their commit is announced. */
  private readonly handoff: OutboxHandoff;
  /** Tokens of commits announced since the last batch began, in commit order. */
  private announcedTokens: string[] = [];
  /**
   * Whether the next batch must read the outbox: at start, after a reconnect (notifications are
   * lost while disconnected), after a commit whose rows were not handed over, after a full batch,
   * and on the fallback poll.
   */
  private mustRead = true;

  /** Rows read and sent at a time; a batch this full means more may be waiting. */
  private readonly batchSize: number;
  private readonly markDelayMs: number;

  constructor(private readonly options: OutboxRelayOptions) {
    this.batchSize = options.batchSize ?? 1_000;
    this.markDelayMs = options.markDelayMs ?? 100;
    this.handoff = new OutboxHandoff(options.producer);
  }

  async start(): Promise<void> {
    this.loop = this.run();
  }

  private async connectListener(): Promise<void> {
    // The pid names the process holding the relay's lock in pg_stat_activity (which instance leads).
    const client = new Client({ connectionString: this.options.databaseUrl, application_name: `${this.options.producer}-outbox-relay ${process.pid}@${hostname()}` });
    client.on('error', (err) => {
      this.options.logger.warn({ err }, 'outbox listener connection lost');
      this.listener = undefined;
      this.lead(false);
    });
    await client.connect();
    await client.query(`LISTEN ${outboxChannel(this.options.producer)}`);
    client.on('notification', (n) => this.announced(n.payload ?? ''));
    this.listener = client;
  }

  private async run(): Promise<void> {
    const { logger, pollIntervalMs = 500 } = this.options;
    while (!this.stopped) {
      try {
        if (!this.listener) await this.connectListener();
        if (!this.leader) {
          const { rows } = await present(this.listener, 'listener').query<{ locked: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [
            `outbox:${this.options.producer}`,
          ]);
          this.lead(rows[0].locked);
        }
        let published = 0;
        if (this.leader) published = await this.publishBatch();
        if (this.leader && published === 0) await this.pruneIfDue();
        this.lastError = undefined;
        // A short batch with no notification since its read began left nothing behind: a row
        // committed after that read notifies (and `woken` makes the sleep return at once). Reading
        // again only to find nothing cost every batch a second statement at low rates.
        if (published === 0 || (published < this.batchSize && !this.woken)) {
          // The fallback poll, not a notification, ended the sleep: read, whatever was announced.
          if (!(await this.sleep(pollIntervalMs))) this.mustRead = true;
        }
      } catch (error) {
        this.lastError = (error as Error).message;
        logger.warn({ err: error }, 'outbox relay failed; retrying');
        await this.listener?.end().catch(() => undefined);
        this.listener = undefined;
        this.lead(false);
        // A back-off, not a wait for rows: a pending notification must not turn it into a busy loop.
        this.woken = false;
        await this.sleep(1_000);
      }
    }
  }

  /**
   * The "published" mark in flight, still running while the next batch is read and sent: the mark
   * is off the path of every event behind it. Its rows are left out of the next read.
   */
  private marking?: { ids: string[]; done: Promise<void> };
  /**
   * Sent rows waiting for their mark: the batches sent within `markDelayMs` share one statement
   * (at 200 alerts/s a batch is one or two rows, and each had its own mark). Left out of reads.
   */
  private unmarked: string[] = [];
  private markTimer?: NodeJS.Timeout;

  /** Leads (holds the producer's lock) or no longer does: only a leader's process holds rows for it. */
  private lead(leader: boolean): void {
    if (leader === this.leader) return;
    this.leader = leader;
    this.announcedTokens = [];
    this.mustRead = true;
    if (leader) this.handoff.open();
    else this.handoff.close();
  }

  /** A commit notification: its payload is the token of rows held in this process, or '' (read them). */
  private announced(token: string): void {
    if (token && this.leader) this.announcedTokens.push(token);
    else this.mustRead = true;
    this.notify();
  }

  /**
   * The rows to send next: those of the announced commits, from memory, when every one of them
   * was held here; otherwise a read, which finds them too (they are committed).
   */
  private async nextRows(): Promise<{ rows: OutboxRow[]; read: boolean }> {
    // Cleared before the read: a notification from here on is for rows this read may miss.
    this.woken = false;
    const tokens = this.announcedTokens;
    this.announcedTokens = [];
    this.handoff.expire();
    const handedOver: OutboxRow[] = [];
    for (const token of tokens) {
      const rows = this.handoff.take(token);
      if (rows) handedOver.push(...rows);
      else this.mustRead = true;
    }
    if (!this.mustRead) return { rows: handedOver, read: false };
    this.mustRead = false;
    const { db, producer } = this.options;
    const rows = await db.$queryRaw<OutboxRow[]>`
      SELECT id::text AS id, topic, key, payload, payload_bytes, headers, created_at FROM outbox
      WHERE producer = ${producer} AND published_at IS NULL AND NOT (id = ANY(${this.sentIds()}::bigint[]))
      ORDER BY id LIMIT ${this.batchSize}`;
    // A full batch may have left rows behind (announced or not): the next batch reads on.
    if (rows.length === this.batchSize) this.mustRead = true;
    this.handoff.forget(new Set(rows.map((r) => r.id)));
    this.options.onRead?.();
    return { rows, read: true };
  }

  private async publishBatch(): Promise<number> {
    const { rows, read } = await this.nextRows();
    if (rows.length === 0) {
      await this.settleMarking();
      return 0;
    }
    const records = [];
    const trace = this.options.trace?.();
    for (const r of rows) {
      const record = { topic: r.topic, key: r.key, value: r.payload ?? r.payload_bytes ?? '', headers: trace ? trace.sending(r) : (r.headers ?? undefined) };
      records.push(record);
      const mirror = await this.options.mirror?.(r);
      if (mirror) records.push({ ...record, topic: mirror });
    }
    await this.options.kafka.send(records);
    trace?.acknowledged();
    // A mark that failed throws here; its rows are read and sent again (at-least-once: consumers
    // de-duplicate by event id), the same as a crash between send and mark.
    await this.settleMarking();
    for (const r of rows) this.unmarked.push(r.id);
    if (this.unmarked.length >= this.batchSize) this.mark();
    else this.markTimer ??= setTimeout(() => this.mark(), this.markDelayMs);
    this.options.onPublished?.(rows.length, oldest(rows), read);
    return rows.length;
  }

  private lastPruneAt = 0;

  /** Deletes published rows past retention, a batch at a time, when the outbox is idle. */
  private async pruneIfDue(): Promise<void> {
    const { db, producer, retentionMs = 7 * 24 * 3_600_000, pruneIntervalMs = 60_000 } = this.options;
    if (Date.now() - this.lastPruneAt < pruneIntervalMs) return;
    this.lastPruneAt = Date.now();
    const before = new Date(Date.now() - retentionMs);
    for (let deleted = PRUNE_BATCH; deleted === PRUNE_BATCH && !this.stopped; ) {
      deleted = await db.$executeRaw`
        DELETE FROM outbox WHERE id IN (
          SELECT id FROM outbox WHERE producer = ${producer} AND published_at < ${before} ORDER BY id LIMIT ${PRUNE_BATCH})`;
      if (deleted > 0) this.options.onPruned?.(deleted);
    }
  }

  /** Sent and not yet marked (or being marked): never read again by this relay. */
  private sentIds(): string[] {
    const marking = this.marking?.ids ?? [];
    return this.unmarked.length === 0 ? marking : marking.concat(this.unmarked);
  }

  /** Starts the mark of what was sent; with a mark already in flight, tries again after the delay. */
  private mark(): void {
    clearTimeout(this.markTimer);
    this.markTimer = undefined;
    if (this.unmarked.length === 0) return;
    if (this.marking) {
      this.markTimer = setTimeout(() => this.mark(), this.markDelayMs);
      return;
    }
    const ids = this.unmarked;
    this.unmarked = [];
    const done = this.options.db.$executeRaw`UPDATE outbox SET published_at = now() WHERE id = ANY(${ids}::bigint[])`.then(() => undefined);
    done.catch(() => undefined); // observed by settleMarking
    this.marking = { ids, done };
  }

  private async settleMarking(): Promise<void> {
    const marking = this.marking;
    this.marking = undefined;
    await marking?.done;
  }

  /** New rows are committed: publish them now (from a notification or this process's own commit). */
  notify(): void {
    this.woken = true;
    this.wake?.();
  }

  /** Resolves true when woken (a notification, a stop), false when the time ran out. */
  private sleep(ms: number): Promise<boolean> {
    if (this.woken || this.stopped) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = undefined;
        resolve(false);
      }, ms);
      this.wake = () => {
        this.wake = undefined;
        clearTimeout(timer);
        resolve(true);
      };
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.notify();
    await this.loop;
    await this.settleMarking().catch(() => undefined);
    // What was sent is marked before the process goes: a successor does not send it again.
    this.mark();
    await this.settleMarking().catch(() => undefined);
    this.lead(false);
    await this.listener?.end().catch(() => undefined);
  }

  /** Rows this process's writers hold for the relay, not yet announced as committed (near zero but in flight). */
  heldRows(): number {
    return this.handoff.size();
  }

  /** Whether this instance holds its producer's lock and publishes (another instance is standby). */
  isLeader(): boolean {
    return this.leader;
  }

  async check(): Promise<void> {
    if (this.lastError) throw new Error(`outbox relay: ${this.lastError}`);
  }
}

/** The earliest commit instant of a batch (a handed-over batch is in commit order, not id order). */
function oldest(rows: OutboxRow[]): Date {
  let first = (rows[0] as OutboxRow).created_at;
  for (const r of rows) if (r.created_at < first) first = r.created_at;
  return first;
}
