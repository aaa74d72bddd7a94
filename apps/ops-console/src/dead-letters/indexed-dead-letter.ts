import type { IHeaders } from 'kafkajs';
import { DeadLetterHeaders } from '@kuruma/contracts';

/** One record of a dead-letter topic, as the console's index keeps it. */
export interface IndexedDeadLetter {
  dlqTopic: string;
  dlqPartition: number;
  dlqOffset: string;
  originalTopic: string;
  originalPartition: number | null;
  originalOffset: string | null;
  reason: string;
  reasonCode: string;
  attempts: number;
  service: string;
  failedAt: Date | null;
  key: Buffer | null;
  payload: Buffer;
  /** Header name -> base64 of its bytes: header values may be any bytes, and JSON keeps text. */
  headers: Record<string, string>;
}

/** A dead-letter record as consumed: kafkajs' message fields the index needs. */
export interface DeadLetterMessage {
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers?: IHeaders;
}

/** What stands for a reason nobody wrote, or one whose code is not a plain word. */
const UNKNOWN = 'unknown';

/**
 * The index row of one dead-letter record. Every header is optional and untrusted (a service
 * wrote it, but a bug or an older version may not have): missing or malformed ones become null or
 * `unknown`, never a failure, so the indexer cannot stop on a record it cannot read.
 */
export function indexedDeadLetter(dlqTopic: string, dlqPartition: number, message: DeadLetterMessage): IndexedDeadLetter {
  const headers = headersOf(message.headers);
  const text = (name: string): string | null => (headers[name] === undefined ? null : Buffer.from(headers[name], 'base64').toString('utf8').replaceAll('\u0000', ''));
  const reason = text(DeadLetterHeaders.reason) ?? UNKNOWN;
  const attempts = Number(text(DeadLetterHeaders.attempts));
  const partition = Number(text(DeadLetterHeaders.originalPartition));
  const offset = text(DeadLetterHeaders.originalOffset);
  const failedAt = new Date(text(DeadLetterHeaders.failedAt) ?? Number.NaN);
  return {
    dlqTopic,
    dlqPartition,
    dlqOffset: message.offset,
    originalTopic: text(DeadLetterHeaders.originalTopic) ?? UNKNOWN,
    originalPartition: Number.isInteger(partition) && partition >= 0 && text(DeadLetterHeaders.originalPartition) !== null ? partition : null,
    originalOffset: offset !== null && /^\d{1,19}$/.test(offset) ? offset : null,
    reason,
    reasonCode: reasonCodeOf(reason),
    attempts: Number.isInteger(attempts) && attempts > 0 ? Math.min(attempts, 1_000_000) : 1,
    service: text(DeadLetterHeaders.service) ?? UNKNOWN,
    failedAt: Number.isNaN(failedAt.getTime()) ? null : failedAt,
    key: message.key,
    payload: message.value ?? Buffer.alloc(0),
    headers,
  };
}

/** `handler-failed: tariff ... has changed` -> `handler-failed`: what the console groups and redrives by. */
export function reasonCodeOf(reason: string): string {
  const code = reason.split(':', 1)[0]?.trim() ?? '';
  return /^[a-z0-9][a-z0-9-]{0,39}$/.test(code) ? code : UNKNOWN;
}

function headersOf(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first === undefined) continue;
    out[name] = (typeof first === 'string' ? Buffer.from(first, 'utf8') : first).toString('base64');
  }
  return out;
}
