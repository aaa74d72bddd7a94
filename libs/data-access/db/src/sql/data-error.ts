import { toStorableText } from '@kuruma/contracts';

/**
 * SQLSTATEs that say "this data can never be stored", whatever the retry: class 22 (data
 * exception: 22P05 untranslatable character, 22021 bad byte sequence, 22001 string too long,
 * 22003 number out of range, 22007/22008 bad date...) and the integrity violations that depend
 * only on the row itself (23502 NOT NULL, 23514 CHECK). Not here: 23505 unique and 23503 foreign
 * key violations, which a concurrent writer or an earlier record can cause and a retry can clear,
 * and every connection, lock, timeout or resource error: those are retried.
 */
const DETERMINISTIC_INTEGRITY = new Set(['23502', '23514']);

/** The SQLSTATE a pg or Prisma error carries, if any. */
export const sqlStateOf = (error: unknown): string | undefined => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
};

export function isDeterministicDataError(error: unknown): boolean {
  const code = sqlStateOf(error);
  return code !== undefined && (code.startsWith('22') || DETERMINISTIC_INTEGRITY.has(code));
}

/** The dead-letter reason for such an error: `database-rejected: 22003 value "..." is out of range for type integer`. */
export function dataErrorReason(error: unknown): string {
  return toStorableText(`database-rejected: ${sqlStateOf(error) ?? '?'} ${(error as Error).message}`).slice(0, 1_000);
}
