/**
 * Statements of one transaction that need no answer from each other, written one behind the other
 * without waiting: SqlDatabase's connections pipeline them, so they cost one round trip together
 * instead of one each, and Postgres still runs them in the order they were called (each call
 * must write its statement before its first `await`, as the repositories' methods do).
 *
 * Every one is settled before this returns, so none is still in flight when the transaction
 * commits or rolls back. The first failure in call order is thrown: the statements behind a failed
 * one fail only because the transaction is aborted. Results come back in call order, as from
 * `Promise.all`.
 */
export async function pipelined<T extends readonly unknown[] | []>(statements: T): Promise<{ -readonly [P in keyof T]: Awaited<T[P]> }> {
  const settled = await Promise.allSettled(statements);
  for (const s of settled) if (s.status === 'rejected') throw s.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as { -readonly [P in keyof T]: Awaited<T[P]> };
}
