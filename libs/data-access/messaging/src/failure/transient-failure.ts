import { sqlStateOf } from '@kuruma/data-access-db';

/**
 * SQLSTATE classes and codes that say "the database could not do it now", not "this data is wrong":
 * connection exceptions (08), insufficient resources (53), operator intervention (57: shutdown,
 * cannot connect now, statement cancelled), system errors (58), serialization failure and deadlock
 * (40001, 40P01), lock not available (55P03).
 */
const TRANSIENT_SQLSTATE_CLASSES = ['08', '53', '57', '58'];
const TRANSIENT_SQLSTATES = new Set(['40001', '40P01', '55P03']);

/** Socket-level failures of any client (pg, ioredis, kafkajs, mqtt): the other end was not there. */
const TRANSIENT_ERRNO = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** Messages of clients that do not set a code when their connection is gone or their pool is dry. */
const TRANSIENT_MESSAGES = [
  /connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /connection is closed/i,
  /stream isn't writeable/i,
  /client has encountered a connection error/i,
  /cannot use a pool after calling end/i,
  /can't reach database server/i,
  /server has closed the connection/i,
  /timed out fetching a new connection/i,
  // ioredis's commandTimeout: Redis took the command and has not answered.
  /^command timed out$/i,
];

/** Prisma's own codes for an unreachable database or an exhausted pool. */
const TRANSIENT_PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2034']);

/**
 * Whether a handler's failure is the environment (database, broker or Redis unreachable, a deadlock)
 * rather than the record: such failures are retried in order for as long as it takes, and never
 * count toward a record's poison limit. Anything not recognised here counts, so a record that keeps
 * failing is dead-lettered after the limit; the consumer also confirms its dependencies are healthy
 * before it does, so an outage this list misses still does not dead-letter good records.
 */
export function isTransientFailure(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth += 1) {
    if (isTransientOne(e)) return true;
  }
  return false;
}

function isTransientOne(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, name, message, retriable } = error as { code?: unknown; name?: unknown; message?: unknown; retriable?: unknown };
  const sqlState = sqlStateOf(error);
  if (sqlState && (TRANSIENT_SQLSTATES.has(sqlState) || TRANSIENT_SQLSTATE_CLASSES.includes(sqlState.slice(0, 2)))) return true;
  if (typeof code === 'string' && (TRANSIENT_ERRNO.has(code) || TRANSIENT_PRISMA_CODES.has(code))) return true;
  if (typeof name === 'string') {
    if (name === 'MaxRetriesPerRequestError') return true;
    // kafkajs marks what retrying cannot fix (a record too large, an ACL denial) as not retriable.
    if (name.startsWith('KafkaJS')) return retriable !== false || name === 'KafkaJSNumberOfRetriesExceeded' || name === 'KafkaJSConnectionError';
  }
  return typeof message === 'string' && TRANSIENT_MESSAGES.some((pattern) => pattern.test(message));
}
