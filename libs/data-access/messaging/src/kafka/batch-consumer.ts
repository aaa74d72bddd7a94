import type { Admin, Consumer, ConsumerRunConfig, EachBatchPayload, Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { dataErrorReason, isDeterministicDataError } from '@kuruma/data-access-db';
import { GroupCommit } from '../batching/group-commit';
import { isTransientFailure } from '../failure/transient-failure';
import { StuckWatch } from '../progress/stuck-watch';
import { type ConsumedRecord, headersToStrings, rawHeaders } from './consumed-record';
import { applyIsolatingRefused } from './isolate-refused';

export interface BatchConsumerOptions {
  kafka: Kafka;
  groupId: string;
  topics: string[];
  /**
   * Also consume every topic the principal may see that this accepts (e.g. each partner's booking
   * topic). Checked again every `rediscoverMs` (default 30 s), so a topic created later, such as a
   * newly onboarded partner's, is consumed without a restart.
   */
  topicFilter?: (topic: string) => boolean;
  rediscoverMs?: number;
  logger: Logger;
  /**
   * Applies a chunk of records durably (one database transaction, inbox included). Throwing means
   * "not applied": the same chunk is retried after a back-off and its offsets are not committed.
   * Bad data must not throw: the handler dead-letters it and carries on. Data the database
   * refuses (a deterministic data error, see isDeterministicDataError) is found by applying the
   * chunk in halves down to the one record, which goes to `deadLetter`.
   */
  handle: (records: ConsumedRecord[]) => Promise<void>;
  /**
   * Durably dead-letters one record that cannot be applied, with the reason and the attempts it
   * took. Without it such a record is retried like any failure (and the partition reports stuck).
   */
  deadLetter?: (record: ConsumedRecord, reason: string, attempts: number) => Promise<void>;
  /**
   * Failed attempts after which a record that keeps failing for a reason other than its
   * environment (see isTransientFailure) is found and dead-lettered so its partition moves on
   * (default 5). Transient failures never count: those are retried in order for as long as it takes.
   */
  maxAttempts?: number;
  /**
   * Asked before a record is dead-lettered for failing: false (a dependency is down) means the
   * failures may be the environment after all, and the record is retried instead.
   */
  dependenciesHealthy?: () => Promise<boolean>;
  /** Readiness fails when a partition has been on one chunk longer than this (default 2 minutes). */
  stuckAfterMs?: number;
  /** Records per handler call (default {@link DEFAULT_CHUNK_SIZE}). */
  chunkSize?: number;
  /**
   * Partitions whose batches are handled at once (default 6, the public topics' partition count).
   * Their chunks are combined into one handler call when they are ready together (group commit).
   */
  partitionsConsumedConcurrently?: number;
  /**
   * How long applied offsets may wait to be committed together (default 0: as soon as no commit
   * is in flight). Each OffsetCommit request wakes the broker and appends to its offsets log; at a
   * few records per fetch that was one request per chunk. Longer means more records redelivered
   * after a crash (the inboxes drop them), never a record skipped, and no wait on the path of any
   * record: fetching goes on meanwhile. A stop commits at once.
   */
  commitIntervalMs?: number;
  /** Called when kafkajs gives up for good; the service exits so its supervisor restarts it. */
  onCrash: (error: Error) => void;
  onChunk?: (records: number, ms: number) => void;
}

/**
 * Records per handler call, and so per transaction (twice this when concurrent partitions' chunks
 * share one, group commit). Bigger chunks mean fewer transactions and round trips, but everything
 * parsed from a chunk stays alive until its transaction commits, survives the young-generation
 * scavenges meanwhile and is promoted and marked again: in a 20,000-booking drain (`npm run bench
 * -- --only sustained`, 2026-12-02) 500 cost 3.27-3.61 CPU ms per bound booking at 481-530/s, 250
 * 3.40, 200 3.07, 150 2.67-3.00 at 575-646/s (pricing 0.9-1.0 -> 0.64-0.71), 100 2.97, and 60
 * 3.52-3.75 (the round trips win again: Postgres backends 0.8-0.95 -> 1.2-1.25 ms).
 */
export const DEFAULT_CHUNK_SIZE = 150;

/**
 * At-least-once consumption with effects made idempotent by the handler's inbox: offsets are
 * committed only after `handle` has returned, and never auto-committed. Services reach it through
 * their Nest transport (KafkaBatchServer in service-kit); Nest's own Kafka transport commits after
 * handler errors and has no dead-letter path.
 */
export class BatchConsumer {
  private consumer?: Consumer;
  private admin?: Admin;
  private running = false;
  private readonly subscribed = new Set<string>();
  private rediscoverTimer?: NodeJS.Timeout;
  /** A re-subscription in progress (stop waits for it). */
  private resubscribing?: Promise<void>;
  private readonly chunkSize: number;
  private readonly maxAttempts: number;
  /**
   * Chunks from partitions handled concurrently join one handler call (one transaction) when they
   * arrive while the previous call is running; each caller still commits its own partition's
   * offsets only after the combined call has returned.
   */
  private readonly combined: GroupCommit<ConsumedRecord[]>;
  /** Where each partition is and since when: a record that never applies makes us not ready. */
  readonly progress: StuckWatch;

  constructor(private readonly options: BatchConsumerOptions) {
    this.chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
    this.maxAttempts = options.maxAttempts ?? 5;
    this.progress = new StuckWatch(options.stuckAfterMs ?? 120_000);
    this.combined = new GroupCommit((chunks) => this.applyAlone(chunks.flat()), this.chunkSize * 2, (chunk) => chunk.length);
  }

  get isRunning(): boolean {
    return this.running;
  }

  async start(): Promise<void> {
    const { kafka, groupId, topics, logger } = this.options;
    this.consumer = kafka.consumer({
      groupId,
      allowAutoTopicCreation: false,
      // A member killed with -9 holds its partitions until the session times out: 10 s bounds the
      // stall after a crash. Chunks take milliseconds, and eachBatch heartbeats between them.
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
      // How long the broker may hold a fetch that finds nothing; a record arriving meanwhile is
      // returned at once (min bytes 1), so this costs no latency, and idle consumers stay quiet
      // (docs/benchmarks.md, design notes).
      maxWaitTimeInMs: 500,
      // Small fetches keep a backlog from ballooning memory (the broker still returns one record
      // larger than this: KIP-74), and chunks stay small enough to commit often.
      maxBytesPerPartition: 1024 * 1024,
      maxBytes: 8 * 1024 * 1024,
      retry: { retries: 12, initialRetryTime: 200, maxRetryTime: 5_000 },
    });
    this.consumer.on(this.consumer.events.CRASH, (event) => {
      const { error, restart } = event.payload as { error: Error; restart: boolean };
      logger.error({ err: error, restart }, 'kafka consumer crashed');
      if (!restart) {
        this.running = false;
        this.options.onCrash(error);
      }
    });
    await this.consumer.connect();
    if (this.options.topicFilter) {
      this.admin = kafka.admin();
      await this.admin.connect();
    }
    const all = [...topics, ...(await this.discover())];
    for (const topic of all) this.subscribed.add(topic);
    // New groups start from the earliest offset so no backlog is silently skipped.
    await this.consumer.subscribe({ topics: all, fromBeginning: true });
    await this.consumer.run(this.runConfig());
    this.running = true;
    logger.info({ groupId, topics: all }, 'kafka consumer started');
    if (this.options.topicFilter) {
      this.rediscoverTimer = setInterval(() => {
        this.resubscribing ??= this.subscribeToNewTopics()
          .catch((error: unknown) => logger.warn({ err: error }, 'could not check for new topics; trying again later'))
          .finally(() => (this.resubscribing = undefined));
      }, this.options.rediscoverMs ?? 30_000);
      this.rediscoverTimer.unref();
    }
  }

  private runConfig(): ConsumerRunConfig {
    return {
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 6,
      eachBatch: (payload) => this.eachBatch(payload),
    };
  }

  /** The topics the principal may see (the broker lists only those) that the filter accepts. */
  private async discover(): Promise<string[]> {
    const filter = this.options.topicFilter;
    if (!filter || !this.admin) return [];
    return (await this.admin.listTopics()).filter((t) => filter(t) && !this.options.topics.includes(t)).sort();
  }

  /**
   * kafkajs fixes the subscription when the consumer runs, so a new topic means stop, subscribe
   * and run again: the group rebalances once, uncommitted records are redelivered (the handler's
   * inbox makes them no-ops) and the new topic is read from its beginning.
   */
  private async subscribeToNewTopics(): Promise<void> {
    const fresh = (await this.discover()).filter((t) => !this.subscribed.has(t));
    const consumer = this.consumer;
    if (fresh.length === 0 || !consumer || !this.running) return;
    this.options.logger.info({ groupId: this.options.groupId, topics: fresh }, 'new topics found; subscribing');
    await consumer.stop();
    await consumer.subscribe({ topics: fresh, fromBeginning: true });
    for (const topic of fresh) this.subscribed.add(topic);
    await consumer.run(this.runConfig());
  }

  private async eachBatch({ batch, heartbeat, isRunning, isStale, resolveOffset }: EachBatchPayload) {
    const records: ConsumedRecord[] = batch.messages.map((m) => ({
      topic: batch.topic,
      partition: batch.partition,
      offset: m.offset,
      key: m.key ? m.key.toString('utf8') : null,
      value: m.value,
      headers: headersToStrings(m.headers as Record<string, unknown>),
      timestamp: m.timestamp,
      raw: { key: m.key, headers: rawHeaders(m.headers as Record<string, unknown>) },
    }));
    const lane = `${batch.topic}[${batch.partition}]`;
    for (let start = 0; start < records.length; start += this.chunkSize) {
      const chunk = records.slice(start, start + this.chunkSize);
      this.progress.begin(lane, `offset ${chunk[0].offset}`);
      // Failures that count toward the poison limit; transient ones (the environment) do not.
      let attempt = 0;
      let tries = 0;
      let isolate: 'refused' | 'poison' | undefined;
      let lastError: unknown;
      for (;;) {
        if (!isRunning() || isStale()) return this.progress.done(lane);
        try {
          // First try rides along with other partitions' chunks; a retry runs alone, so a chunk
          // that keeps failing holds back its own partition only.
          if (tries === 0) await this.combined.submit(chunk);
          else if (isolate === 'refused') await this.applyIsolating(chunk, isDeterministicDataError, attempt, lastError);
          else if (isolate === 'poison') await this.applyIsolating(chunk, (error) => !isTransientFailure(error), attempt, lastError);
          else await this.applyAlone(chunk);
          break;
        } catch (error) {
          tries += 1;
          lastError = error;
          const transient = isTransientFailure(error);
          if (!transient) attempt += 1;
          this.progress.failed(lane, error);
          // Data the database refuses fails the same way every time: retrying the chunk as a
          // whole would hold the partition for ever, so the next try finds and dead-letters it.
          // Any other failure of the record's own making does the same after the attempt limit.
          const canDeadLetter = this.options.deadLetter !== undefined;
          isolate = !canDeadLetter ? undefined : isDeterministicDataError(error) ? 'refused' : !transient && attempt >= this.maxAttempts ? 'poison' : undefined;
          // Isolation starts at once; a failed isolation (a dependency went away meanwhile) backs off like any retry.
          const isolatingNow = isolate === 'refused' || (isolate === 'poison' && attempt === this.maxAttempts);
          const delay = isolatingNow ? 0 : Math.min(5_000, 100 * 2 ** Math.min(tries, 6));
          this.options.logger.warn(
            { err: error, topic: batch.topic, partition: batch.partition, attempt, transient, delay, isolate },
            isolate ? 'records in the chunk cannot be applied; isolating them for the dead-letter topic' : 'applying records failed; retrying (offsets not committed)',
          );
          await heartbeat().catch(() => undefined);
          if (delay) await new Promise((resolve) => setTimeout(resolve, delay));
        }
      }
      resolveOffset(chunk[chunk.length - 1].offset);
      this.commitApplied(batch.topic, batch.partition, String(BigInt(chunk[chunk.length - 1].offset) + 1n));
      this.progress.done(lane);
      await heartbeat();
    }
  }

  /**
   * The chunk, with each record that fails the way `isRefusal` recognises found by halving and
   * dead-lettered (see applyIsolatingRefused). A record is dead-lettered for failing only while the
   * service's dependencies answer: otherwise the failure is thrown and retried like any outage.
   */
  private async applyIsolating(records: ConsumedRecord[], isRefusal: (error: unknown) => boolean, attempts: number, lastError: unknown): Promise<void> {
    const deadLetter = this.options.deadLetter;
    if (!deadLetter) return this.applyAlone(records);
    const refuse = async (record: ConsumedRecord, error: unknown) => {
      const dataError = isDeterministicDataError(error);
      if (!dataError && this.options.dependenciesHealthy && !(await this.options.dependenciesHealthy())) throw error;
      this.options.logger.warn({ topic: record.topic, partition: record.partition, offset: record.offset, err: error, attempts }, 'record cannot be applied; dead-lettered');
      await deadLetter(record, dataError ? dataErrorReason(error) : handlerFailureReason(error), attempts);
    };
    // The whole chunk has just failed this way: go straight to its halves (or its one record).
    if (records.length === 1) return refuse(records[0], lastError);
    const half = Math.ceil(records.length / 2);
    for (const part of [records.slice(0, half), records.slice(half)]) await applyIsolatingRefused(part, (chunk) => this.applyAlone(chunk), isRefusal, refuse);
  }

  private async applyAlone(records: ConsumedRecord[]): Promise<void> {
    const started = Date.now();
    await this.options.handle(records);
    this.options.onChunk?.(records.length, Date.now() - started);
  }

  /** Applied offsets waiting for the next commit request, by `topic|partition` (the highest wins). */
  private readonly appliedOffsets = new Map<string, { topic: string; partition: number; offset: string }>();
  private committing?: Promise<void>;
  /** The commit waiting out `commitIntervalMs`. */
  private commitTimer?: NodeJS.Timeout;

  /**
   * Commits a partition's applied offset without holding up its next fetch: the partition's worker
   * goes on while the request is in flight, and the offsets applied meanwhile (any partition) go
   * in the next request together, as do all those applied within `commitIntervalMs`. Waiting for each commit cost every chunk a round trip to the
   * group coordinator before the next fetch, and one OffsetCommit request per partition chunk.
   * Only applied offsets are ever committed, so at-least-once holds; a commit that fails (a
   * rebalance, the broker away) leaves those records to be redelivered, which the handlers'
   * inboxes make harmless.
   */
  private commitApplied(topic: string, partition: number, offset: string): void {
    this.appliedOffsets.set(`${topic}|${partition}`, { topic, partition, offset });
    const interval = this.options.commitIntervalMs ?? 0;
    // Once stopping, what is applied is committed at once, before the group is left.
    if (interval <= 0 || !this.running) return this.commitNow();
    this.commitTimer ??= setTimeout(() => {
      this.commitTimer = undefined;
      this.commitNow();
    }, interval);
  }

  /** Sends what is applied now, or right after the request in flight. */
  private commitNow(): void {
    clearTimeout(this.commitTimer);
    this.commitTimer = undefined;
    this.committing ??= this.commitPending().finally(() => {
      this.committing = undefined;
      // Applied while the request was in flight and not waiting out an interval: send it now.
      if (this.appliedOffsets.size > 0 && !this.commitTimer) this.commitNow();
    });
  }

  private async commitPending(): Promise<void> {
    if (this.appliedOffsets.size === 0 || !this.consumer) return;
    const offsets = [...this.appliedOffsets.values()];
    this.appliedOffsets.clear();
    try {
      await this.consumer.commitOffsets(offsets);
    } catch (error) {
      this.options.logger.warn({ err: error, offsets }, 'committing applied offsets failed; those records will be redelivered');
    }
  }

  /** Finishes the chunk in flight, commits its offsets and leaves the group. */
  async stop(): Promise<void> {
    this.running = false;
    clearInterval(this.rediscoverTimer);
    await this.resubscribing;
    // Offsets waiting out the commit interval go now, while the consumer is still in its group.
    if (this.appliedOffsets.size > 0) this.commitNow();
    // Stop fetching and let the chunks in flight finish, then send their offsets, then leave.
    await this.consumer?.stop();
    while (this.committing) await this.committing;
    await this.consumer?.disconnect();
    await this.admin?.disconnect();
  }

  /** Readiness: connected, not crashed, and no partition stuck on one chunk. */
  async check(): Promise<void> {
    if (!this.running) throw new Error('consumer is not running');
    this.progress.check();
  }
}

/** The dead-letter reason for a record its handler kept failing on: `handler-failed: <error>`. */
export function handlerFailureReason(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return `handler-failed: ${text}`.slice(0, 1_000);
}
