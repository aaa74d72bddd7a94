import { z } from 'zod';

/** The most a period may span: five years (assumption: calibrations use one to three years of experience). */
const MAX_PERIOD_MS = 5 * 366 * 86_400_000;

/** An instant with an explicit zone (`2027-01-01T00:00:00+09:00`), or a Japan-time date (`2027-01-01`, midnight JST). */
const instant = z
  .string()
  .max(40)
  .transform((text, ctx) => {
    const withZone = /^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00+09:00` : text;
    if (!z.iso.datetime({ offset: true }).safeParse(withZone).success) {
      ctx.addIssue({ code: 'custom', message: 'must be a date (Japan time) or an instant with its zone, e.g. 2027-01-01 or 2027-01-01T00:00:00+09:00' });
      return z.NEVER;
    }
    return new Date(withZone);
  });

const bothInstants = (p: { from: unknown; to: unknown }) => p.from instanceof Date && p.to instanceof Date;

export const periodArgsSchema = z
  .object({ from: instant, to: instant, 'hold-out-from': instant.optional() })
  // Zod runs object refinements even when a field failed, so each checks its inputs are instants.
  .refine((p) => !bothInstants(p) || p.from < p.to, { path: ['to'], message: 'must be after --from' })
  .refine((p) => !bothInstants(p) || p.to.getTime() - p.from.getTime() <= MAX_PERIOD_MS, { path: ['to'], message: 'the period may span at most five years' })
  .refine((p) => !bothInstants(p) || !(p['hold-out-from'] instanceof Date) || (p['hold-out-from'] > p.from && p['hold-out-from'] <= p.to), {
    path: ['hold-out-from'],
    message: 'must lie inside the period',
  });

/** The period of a command line, or an error naming the argument. */
export function parsePeriodArgs(values: Record<string, unknown>): { from: Date; to: Date; holdOutFrom?: Date } {
  const parsed = periodArgsSchema.safeParse(values);
  if (!parsed.success) throw new Error(parsed.error.issues.map((i) => `--${i.path.join('.') || 'period'}: ${i.message}`).join('; '));
  return { from: parsed.data.from, to: parsed.data.to, ...(parsed.data['hold-out-from'] ? { holdOutFrom: parsed.data['hold-out-from'] } : {}) };
}
