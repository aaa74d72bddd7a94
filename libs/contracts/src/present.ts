/**
 * Narrows a value the caller's invariant says is there (a bound policy has a cover end, say) and
 * fails loudly, naming it, when the invariant is broken, instead of a non-null assertion that
 * would carry `undefined` on into money or time arithmetic.
 */
export function present<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) throw new Error(`invariant broken: ${what} is missing`);
  return value;
}
