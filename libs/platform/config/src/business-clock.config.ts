import { z } from 'zod';
import { ConfigError } from './parse-env';

/**
 * How a process tells business time (cover starts, late returns, period closes, earned premium):
 * the real clock, or a simulated one that runs from `start` at `rate` times real time since the
 * real instant `anchor`. Every process given the same three values agrees on the business instant,
 * whenever it started, which is what lets a month of business be run in minutes.
 */
export type BusinessClockSettings =
  | { mode: 'real' }
  | { mode: 'simulated'; start: Date; anchor: Date; rate: number };

/** An ISO 8601 instant that names its zone (Z or an offset): a business instant is never local-time guesswork. */
const ZONED_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
/** Rates above this would move business time a day per 86 ms of real time: more than the services can follow. */
export const MAX_BUSINESS_CLOCK_RATE = 1_000_000;

export const businessClockVars = {
  /** The business instant the simulated clock shows at BUSINESS_CLOCK_ANCHOR; unset means the real clock. */
  BUSINESS_CLOCK_START: z.string().optional(),
  /** The real instant at which the simulated clock shows BUSINESS_CLOCK_START (the same for every process of a run). */
  BUSINESS_CLOCK_ANCHOR: z.string().optional(),
  /** Business seconds per real second (default 1). */
  BUSINESS_CLOCK_RATE: z.string().optional(),
};

/**
 * Reads the business clock from the environment, once. Refuses (naming the variable) a clock that is
 * half configured, an instant without a zone, a rate that is not a positive number, and any
 * simulated clock in production (APP_ENV or NODE_ENV `production`): real money is never booked at
 * an invented time.
 */
export function parseBusinessClock(env: Record<string, string | undefined>): BusinessClockSettings {
  const start = blankToUndefined(env['BUSINESS_CLOCK_START']);
  const anchor = blankToUndefined(env['BUSINESS_CLOCK_ANCHOR']);
  const rateText = blankToUndefined(env['BUSINESS_CLOCK_RATE']);
  if (start === undefined) {
    const stray = [anchor !== undefined && 'BUSINESS_CLOCK_ANCHOR', rateText !== undefined && 'BUSINESS_CLOCK_RATE'].filter(Boolean);
    if (stray.length) throw new ConfigError(stray.map((v) => `${v}: set without BUSINESS_CLOCK_START (a simulated clock needs its start)`));
    return { mode: 'real' };
  }
  const problems: string[] = [];
  if (env['APP_ENV'] === 'production' || env['NODE_ENV'] === 'production') {
    problems.push('BUSINESS_CLOCK_START: a simulated business clock is refused in production (APP_ENV or NODE_ENV is production)');
  }
  const startAt = zonedInstant('BUSINESS_CLOCK_START', start, problems);
  const anchorAt = anchor === undefined ? (problems.push('BUSINESS_CLOCK_ANCHOR: required with BUSINESS_CLOCK_START, so every process agrees on the business instant'), null) : zonedInstant('BUSINESS_CLOCK_ANCHOR', anchor, problems);
  const rate = rateText === undefined ? 1 : Number(rateText);
  if (!(Number.isFinite(rate) && rate > 0 && rate <= MAX_BUSINESS_CLOCK_RATE)) problems.push(`BUSINESS_CLOCK_RATE: "${rateText}" is not a number above 0 and at most ${MAX_BUSINESS_CLOCK_RATE}`);
  if (problems.length || !startAt || !anchorAt) throw new ConfigError(problems);
  return { mode: 'simulated', start: startAt, anchor: anchorAt, rate };
}

function zonedInstant(variable: string, text: string, problems: string[]): Date | null {
  const at = new Date(text);
  if (!ZONED_INSTANT.test(text) || Number.isNaN(at.getTime())) {
    problems.push(`${variable}: "${text.slice(0, 40)}" is not an ISO 8601 instant with a zone (e.g. 2026-11-01T00:00:00+09:00)`);
    return null;
  }
  return at;
}

const blankToUndefined = (value: string | undefined): string | undefined => (value === undefined || value.trim() === '' ? undefined : value.trim());
