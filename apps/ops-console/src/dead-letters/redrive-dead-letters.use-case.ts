import { DeadLetterHeaders, Topics } from '@kuruma/contracts';
import type { SqlTransactional, SqlTx } from '@kuruma/data-access-db';
import { type TopicNames, Turns, UnavailableError } from '@kuruma/service-kit';
import type { AuditLog } from '../audit/audit-log';
import type { OpsIdentity } from '../auth/identity-provider';
import type { RedriveProducer } from './redrive-producer';
import type { RedriveSelection } from './redrive-selection';

/** Headers a redriven record carries: which dead letter it is, so a new failure points back to it. */
export const RedriveHeaders = { of: 'x-redrive-of', by: 'x-redriven-by' } as const;

/** At most this many records per redrive call: the rows stay locked while they are sent. */
export const REDRIVE_BATCH = 200;

/**
 * Redrives waiting their turn beyond the one running; past them the call is refused (503). A
 * redrive holds a pooled connection while it sends up to REDRIVE_BATCH records, so redrives run
 * one at a time: clicks, retries or scripts at once never take the console's pool from its pages,
 * sign-in and dead-letter indexer.
 */
export const REDRIVES_WAITING = 4;

/**
 * The platform topics a dead letter may be redriven to. Partners' own topics are not among them:
 * the console would write as the partner (the partner resends instead), and device dead letters
 * came over MQTT (the gateway republishes).
 */
export function redriveTargets(topics: TopicNames): string[] {
  return [Topics.bookingEvents, Topics.bookingAccepted, Topics.bookingPriced].map((t) => topics.of(t));
}

export interface RedriveOutcome {
  /** Records put back on their topic now, with where they landed. */
  redriven: { id: string; topic: string; partition: number; offset: string }[];
  /** Selected records that were already redriven (by someone else, or a click before) or cannot be. */
  skipped: number;
  /** Set when the broker refused part-way: the records before it are redriven and recorded. */
  error?: string;
  /** More records of the reason are waiting (the call takes at most REDRIVE_BATCH). */
  more: boolean;
}

interface LockedRow {
  id: string;
  dlq_topic: string;
  dlq_partition: number;
  dlq_offset: string;
  original_topic: string;
  record_key: Buffer | null;
  payload: Buffer;
  headers: Record<string, string>;
}

/**
 * Puts dead letters back on their original topic, each at most once: the rows are locked and
 * re-checked (`redriven_at IS NULL`) in one transaction, so a second operator, a double click or a
 * retry after a timeout waits for the first and then finds nothing left to send. The record goes
 * back byte for byte (key, value, its original headers) plus `x-redrive-of`; the consumer's own
 * de-duplication (CloudEvent id, inbox) absorbs a copy sent twice after a crash between the send
 * and the commit. One audit entry per call: who, when, which records, how many.
 */
export class RedriveDeadLettersUseCase {
  constructor(
    private readonly db: SqlTransactional,
    private readonly producer: RedriveProducer,
    private readonly topics: TopicNames,
    private readonly audit: (tx: SqlTx) => AuditLog,
    private readonly turns = new Turns(1, REDRIVES_WAITING, () => new UnavailableError('other redrives are running; try again shortly')),
  ) {}

  execute(who: OpsIdentity, selection: RedriveSelection): Promise<RedriveOutcome> {
    return this.turns.take(() => this.redrive(who, selection));
  }

  private redrive(who: OpsIdentity, selection: RedriveSelection): Promise<RedriveOutcome> {
    return this.db.$transaction(async (tx) => {
      const targets = redriveTargets(this.topics);
      const rows = await this.lock(tx, selection, targets);
      const outcome: RedriveOutcome = { redriven: [], skipped: 0, more: false };
      for (const row of rows) {
        try {
          const landed = await this.producer.send({ topic: row.original_topic, key: row.record_key, value: row.payload, headers: redriveHeaders(row, who.username) });
          await tx.$executeRaw`
            UPDATE dead_letter_record SET redriven_at = now(), redriven_by = ${who.username}, redrive_partition = ${landed.partition}, redrive_offset = ${landed.offset}::bigint
             WHERE id = ${row.id}::uuid`;
          outcome.redriven.push({ id: row.id, topic: row.original_topic, ...landed });
        } catch (error) {
          outcome.error = `the broker refused the redrive of ${row.id}: ${(error as Error).message}`;
          break;
        }
      }
      if ('ids' in selection) outcome.skipped = selection.ids.length - rows.length;
      else outcome.more = rows.length === REDRIVE_BATCH;
      await this.audit(tx).record(who, 'dead-letter.redrive', 'dead-letter', 'ids' in selection ? selection.ids.join(',').slice(0, 2_000) : `${selection.topic}/${selection.reason}`, {
        selection,
        count: outcome.redriven.length,
        skipped: outcome.skipped,
        records: outcome.redriven.map((r) => `${r.id} -> ${r.topic}/${r.partition}/${r.offset}`),
        ...(outcome.error ? { error: outcome.error } : {}),
      });
      return outcome;
    });
  }

  /** The selected rows not yet redriven and redrivable, locked until the transaction ends, in topic order. */
  private lock(tx: SqlTx, selection: RedriveSelection, targets: string[]): Promise<LockedRow[]> {
    if ('ids' in selection) {
      return tx.$queryRaw<LockedRow[]>`
        SELECT id::text, dlq_topic, dlq_partition, dlq_offset::text, original_topic, record_key, payload, headers
          FROM dead_letter_record
         WHERE id = ANY(${selection.ids}::uuid[]) AND redriven_at IS NULL AND original_topic = ANY(${targets}::text[])
         ORDER BY dlq_topic, dlq_partition, dlq_offset
           FOR UPDATE`;
    }
    return tx.$queryRaw<LockedRow[]>`
      SELECT id::text, dlq_topic, dlq_partition, dlq_offset::text, original_topic, record_key, payload, headers
        FROM dead_letter_record
       WHERE dlq_topic = ${selection.topic} AND reason_code = ${selection.reason} AND redriven_at IS NULL AND original_topic = ANY(${targets}::text[])
       ORDER BY dlq_topic, dlq_partition, dlq_offset
       LIMIT ${REDRIVE_BATCH}
         FOR UPDATE`;
  }
}

/** The original headers without the dead-letter ones (the consumer adds fresh ones if it fails again), plus where it came from. */
function redriveHeaders(row: LockedRow, username: string): Record<string, Buffer> {
  const dlqHeaders = new Set<string>(Object.values(DeadLetterHeaders));
  const kept = Object.entries(row.headers).filter(([name]) => !dlqHeaders.has(name) && name !== RedriveHeaders.of && name !== RedriveHeaders.by);
  return {
    ...Object.fromEntries(kept.map(([name, b64]) => [name, Buffer.from(b64, 'base64')])),
    [RedriveHeaders.of]: Buffer.from(`${row.dlq_topic}/${row.dlq_partition}/${row.dlq_offset}`),
    [RedriveHeaders.by]: Buffer.from(username),
  };
}
