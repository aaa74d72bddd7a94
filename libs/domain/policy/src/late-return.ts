/**
 * Late return: how far to extend cover of a started booking whose end is near or past, in steps,
 * never beyond the product maximum from the start. Null when no extension is due.
 */
export function lateReturnExtension(input: {
  coverStart: Date;
  coverEnd: Date;
  now: Date;
  leadMs: number;
  stepMinutes: number;
  maximumMinutes: number;
}): Date | null {
  const max = input.coverStart.getTime() + input.maximumMinutes * 60_000;
  if (input.coverEnd.getTime() >= max) return null;
  if (input.coverEnd.getTime() - input.now.getTime() > input.leadMs) return null;
  let end = input.coverEnd.getTime();
  // Catch up in one go if the scheduler was down: always at least lead time ahead of now.
  while (end - input.now.getTime() <= input.leadMs && end < max) end += input.stepMinutes * 60_000;
  return new Date(Math.min(end, max));
}
