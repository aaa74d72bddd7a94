import type { Outcome } from './ledger';

interface DeadLetterRecord {
  key: string | null;
  headers: Record<string, string>;
}

export interface DeadLetterReport {
  /** Poison records whose send was acknowledged, and those whose send timed out (each may or may not have been written). */
  injected: number;
  indeterminate: number;
  /** Injected poison records with at least one dead letter. */
  found: number;
  /** Of those, the ones whose dead letters all carry a reason. */
  withReason: number;
  /**
   * Extra copies of a poison record the harness's own producer wrote (same key, another source
   * offset): kafkajs's plain producer retries a send whose acknowledgement a broker kill swallowed,
   * and the broker may have written it already. Each copy is a record of its own, dead-lettered
   * once, so it is counted here and not as a doubled dead letter.
   */
  harnessDuplicates: number;
}

export interface DeadLetterInput {
  /** The dead-letter topic's records (redelivered copies included). */
  letters: DeadLetterRecord[];
  /** Every poison record the harness sent, by its key (unique per record), with what the send answered. */
  poison: Map<string, Outcome>;
  reasonHeader: string;
  violations: string[];
}

/**
 * One dead letter per injected poison record, counted by the record's identity (its key: a dead
 * letter keeps its original key) rather than by source offset. Copies with the same source
 * partition and offset are redeliveries of one dead letter; the same key at another offset is a
 * second write of the record by the harness's producer (reported, not a violation). A violation is
 * an acknowledged poison record without a dead letter, a dead letter of anything the harness did
 * not send as poison, or a dead letter without a reason.
 */
export function deadLetterVerdict({ letters, poison, reasonHeader, violations }: DeadLetterInput): DeadLetterReport {
  const originsByKey = new Map<string, Map<string, DeadLetterRecord>>();
  for (const l of letters) {
    const key = l.key ?? '(no key)';
    const origin = `${l.headers['x-dlq-original-partition']}:${l.headers['x-dlq-original-offset']}`;
    const origins = originsByKey.get(key) ?? new Map<string, DeadLetterRecord>();
    origins.set(origin, l);
    originsByKey.set(key, origins);
  }
  let found = 0;
  let withReason = 0;
  let harnessDuplicates = 0;
  for (const [key, origins] of originsByKey) {
    if (!poison.has(key)) {
      violations.push(`dead letter ${key} (source ${[...origins.keys()].join(', ')}): not a record the harness sent as poison`);
      continue;
    }
    found++;
    harnessDuplicates += origins.size - 1;
    const unreasoned = [...origins.values()].filter((l) => !l.headers[reasonHeader]).length;
    if (unreasoned === 0) withReason++;
    else violations.push(`dead letter ${key}: ${unreasoned} without a reason`);
  }
  for (const [key, outcome] of poison) {
    if (outcome === 'ok' && !originsByKey.has(key)) violations.push(`poison record ${key}: acknowledged, no dead letter`);
  }
  const outcomes = [...poison.values()];
  return {
    injected: outcomes.filter((o) => o === 'ok').length,
    indeterminate: outcomes.filter((o) => o !== 'ok').length,
    found,
    withReason,
    harnessDuplicates,
  };
}
