import { createHmac, timingSafeEqual } from 'node:crypto';
import { ProblemException } from './problem.exception';

/** Page sizes of the partner lists: `limit` defaults to this many items... */
export const DEFAULT_PAGE_LIMIT = 50;
/** ...and may ask for at most this many (a page of policies reads each one's endorsements too). */
export const MAX_PAGE_LIMIT = 100;

export interface PageQuery<P> {
  limit: number;
  /** Where the previous page ended; undefined for the first page. */
  after?: P;
}

const cursorProblem = (message: string) => ProblemException.badRequest(`invalid cursor: ${message}`, [{ field: 'cursor', message }]);

/**
 * Opaque page cursors: the position where a page ended, MACed (HMAC-SHA256, API_CURSOR_KEY) together
 * with the caller and the list with its filters. A cursor is good only for the partner that got it
 * and the same query: another partner's, one from other filters, or any edited byte is 400 naming
 * `cursor`, so a cursor can never widen what a query reads.
 */
export class PageCursors {
  constructor(private readonly key: string) {}

  seal(caller: string, list: string, position: unknown): string {
    const payload = Buffer.from(JSON.stringify(position)).toString('base64url');
    return `${payload}.${this.mac(caller, list, payload)}`;
  }

  /** The `limit` and `cursor` query parameters of `list`, checked (400 naming the parameter). */
  query<P>(caller: string, list: string, limit: string | undefined, cursor: string | undefined): PageQuery<P> {
    return { limit: pageLimit(limit), after: cursor === undefined || cursor === '' ? undefined : this.open<P>(caller, list, cursor) };
  }

  private open<P>(caller: string, list: string, cursor: string): P {
    const [payload, mac, extra] = cursor.length <= 1024 ? cursor.split('.') : [];
    if (!payload || !mac || extra !== undefined) throw cursorProblem('not a cursor this API issued');
    const expected = Buffer.from(this.mac(caller, list, payload));
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw cursorProblem('not issued for this partner and query, or altered');
    return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as P;
  }

  private mac(caller: string, list: string, payload: string): string {
    return createHmac('sha256', this.key).update(`${caller}\u0000${list}\u0000${payload}`).digest('base64url');
  }
}

function pageLimit(raw: string | undefined): number {
  if (raw === undefined || raw === '') return DEFAULT_PAGE_LIMIT;
  const limit = /^[0-9]{1,4}$/.test(raw) ? Number(raw) : NaN;
  if (!(limit >= 1 && limit <= MAX_PAGE_LIMIT)) throw ProblemException.badRequest(`limit must be an integer from 1 to ${MAX_PAGE_LIMIT}`, [{ field: 'limit', message: `an integer from 1 to ${MAX_PAGE_LIMIT}` }]);
  return limit;
}

/** One page of a list: its items and the cursor of the next page (null on the last). */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * Cuts a `limit + 1` read into a page: the extra row only says another page exists, and the
 * next cursor points after the last row shown.
 */
export function pageOf<R>(rows: R[], limit: number, cursorAfter: (last: R) => string): { shown: R[]; nextCursor: string | null } {
  const shown = rows.slice(0, limit);
  const last = shown[shown.length - 1];
  return { shown, nextCursor: rows.length > limit && last !== undefined ? cursorAfter(last) : null };
}
