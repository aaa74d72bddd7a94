import { describe, expect, it } from 'vitest';
import { MAX_PAGE_LIMIT, PageCursors, pageOf } from './page-cursor';
import { ProblemException } from './problem.exception';

const sut = new PageCursors('page-cursor-key-for-tests-0123456789abcdef');
const LIST = 'policies?bookingId=';

function refusal(run: () => unknown): { status: number; fields: string[] } {
  try {
    run();
  } catch (err) {
    if (err instanceof ProblemException) return { status: err.problem.status, fields: (err.problem.errors ?? []).map((e) => e.field) };
    throw err;
  }
  throw new Error('expected a refusal');
}

describe(PageCursors.name, () => {
  const cursor = sut.seal('partner:demo', LIST, ['2026-12-01T08:00:00.000Z', '0190c0de-0000-7000-8000-000000000001']);

  it('gives the partner that got a cursor the position where its page ended', () => {
    expect(sut.query('partner:demo', LIST, '10', cursor)).toEqual({ limit: 10, after: ['2026-12-01T08:00:00.000Z', '0190c0de-0000-7000-8000-000000000001'] });
  });

  it('refuses another partner the cursor with 400 naming cursor', () => {
    expect(refusal(() => sut.query('partner:rival', LIST, undefined, cursor))).toEqual({ status: 400, fields: ['cursor'] });
  });

  it('refuses a cursor used with other filters than it was issued for', () => {
    expect(refusal(() => sut.query('partner:demo', 'policies?bookingId=bk-1', undefined, cursor))).toEqual({ status: 400, fields: ['cursor'] });
  });

  it('refuses every single-character edit of a cursor, and junk, with 400 naming cursor', () => {
    for (let i = 0; i < cursor.length; i++) {
      const edited = cursor.slice(0, i) + (cursor[i] === 'A' ? 'B' : 'A') + cursor.slice(i + 1);
      expect(refusal(() => sut.query('partner:demo', LIST, undefined, edited))).toEqual({ status: 400, fields: ['cursor'] });
    }
    for (const junk of ['x', '.', 'a.b.c', '\u0000', 'x'.repeat(100_000)]) expect(refusal(() => sut.query('partner:demo', LIST, undefined, junk)).fields).toEqual(['cursor']);
  });

  it('refuses a cursor sealed with another key (another deployment)', () => {
    const foreign = new PageCursors('another-deployment-key-0123456789abcdef').seal('partner:demo', LIST, ['2026-12-01T08:00:00.000Z', 'x']);
    expect(refusal(() => sut.query('partner:demo', LIST, undefined, foreign)).fields).toEqual(['cursor']);
  });

  it(`takes limit from 1 to ${MAX_PAGE_LIMIT}, 50 without one, and refuses anything else naming limit`, () => {
    expect(sut.query('partner:demo', LIST, undefined, undefined)).toEqual({ limit: 50, after: undefined });
    expect(sut.query('partner:demo', LIST, String(MAX_PAGE_LIMIT), '')).toEqual({ limit: MAX_PAGE_LIMIT, after: undefined });
    for (const bad of ['0', String(MAX_PAGE_LIMIT + 1), '-1', '1.5', '1e2', 'ten', '99999999999']) {
      expect(refusal(() => sut.query('partner:demo', LIST, bad, undefined))).toEqual({ status: 400, fields: ['limit'] });
    }
  });
});

describe(pageOf.name, () => {
  it('shows limit rows and a next cursor only when the read found one more', () => {
    expect(pageOf([1, 2, 3], 2, (last) => `after-${last}`)).toEqual({ shown: [1, 2], nextCursor: 'after-2' });
    expect(pageOf([1, 2], 2, (last) => `after-${last}`)).toEqual({ shown: [1, 2], nextCursor: null });
    expect(pageOf([], 2, (last) => `after-${last}`)).toEqual({ shown: [], nextCursor: null });
  });
});
