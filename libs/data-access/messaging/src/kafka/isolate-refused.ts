/**
 * Applies `records`; when `isRefusal` says the failure is the data itself (the database will
 * refuse it on every try), applies each half in order (records of one key keep their order) down
 * to the single refused record, which goes to `refuse` with the error. About 2 log2(n) extra
 * applications per refused record instead of one per record. A half applied before a later failure
 * is applied again when the caller retries: handlers are idempotent (inbox, event-id
 * de-duplication), as for any redelivery. Any other error is thrown to the caller's retry.
 */
export async function applyIsolatingRefused<T>(
  records: T[],
  apply: (records: T[]) => Promise<void>,
  isRefusal: (error: unknown) => boolean,
  refuse: (record: T, error: unknown) => Promise<void>,
): Promise<void> {
  try {
    await apply(records);
  } catch (error) {
    if (!isRefusal(error)) throw error;
    if (records.length === 1) return refuse(records[0], error);
    const half = Math.ceil(records.length / 2);
    await applyIsolatingRefused(records.slice(0, half), apply, isRefusal, refuse);
    await applyIsolatingRefused(records.slice(half), apply, isRefusal, refuse);
  }
}
