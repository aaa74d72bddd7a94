/**
 * Accounting periods in Japan time (UTC+9, no daylight saving): a day `2026-11-30` runs from
 * 2026-11-29T15:00Z to 2026-11-30T15:00Z; a month `2026-11` from its first day's start to the next's.
 */
const JST_OFFSET_MS = 9 * 3_600_000;
const DAY_MS = 86_400_000;

export type PeriodKind = 'day' | 'month';

/** The Japan date of an instant, `YYYY-MM-DD`. */
export const japanDay = (at: Date): string => new Date(at.getTime() + JST_OFFSET_MS).toISOString().slice(0, 10);
/** The Japan month of an instant, `YYYY-MM`. */
export const japanMonth = (at: Date): string => japanDay(at).slice(0, 7);

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const MONTH = /^(\d{4})-(\d{2})$/;

/** A period key's kind, or null when it is neither `YYYY-MM-DD` nor `YYYY-MM` (or not a real date). */
export function periodKind(key: string): PeriodKind | null {
  const d = DAY.exec(key);
  if (d) return japanDay(new Date(Date.UTC(+d[1], +d[2] - 1, +d[3]) - JST_OFFSET_MS)) === key ? 'day' : null;
  const m = MONTH.exec(key);
  if (m) return +m[2] >= 1 && +m[2] <= 12 && +m[1] >= 2000 ? 'month' : null;
  return null;
}

/** [start, end) of a period in UTC instants; throws on a key that is not a period. */
export function periodBounds(key: string): { start: Date; end: Date } {
  const kind = periodKind(key);
  if (kind === 'day') {
    const [y, m, d] = key.split('-').map(Number) as [number, number, number];
    const start = Date.UTC(y, m - 1, d) - JST_OFFSET_MS;
    return { start: new Date(start), end: new Date(start + DAY_MS) };
  }
  if (kind === 'month') {
    const [y, m] = key.split('-').map(Number) as [number, number];
    return { start: new Date(Date.UTC(y, m - 1, 1) - JST_OFFSET_MS), end: new Date(Date.UTC(y, m, 1) - JST_OFFSET_MS) };
  }
  throw new RangeError(`not a period: ${key}`);
}

/** The periods whose end is at or before `now` and after `since`: what a close job may close. */
export function closablePeriods(kind: PeriodKind, since: Date, now: Date): string[] {
  const out: string[] = [];
  const key = kind === 'day' ? japanDay : japanMonth;
  let cursor = key(since);
  // Bounded: a century of days at most.
  for (let guard = 0; guard < 40_000; guard += 1) {
    const { end } = periodBounds(cursor);
    if (end.getTime() > now.getTime()) break;
    out.push(cursor);
    cursor = key(end);
  }
  return out;
}
