import { describe, expect, it } from 'vitest';
import { allPages, type ListPage } from './all-pages';

async function collect<T>(items: AsyncGenerator<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe(allPages.name, () => {
  it('reads page after page, passing each nextCursor, until the last page', async () => {
    const asked: (string | undefined)[] = [];
    const pages: Record<string, ListPage<number>> = { first: { items: [1, 2], nextCursor: 'c1' }, c1: { items: [3, 4], nextCursor: 'c2' }, c2: { items: [5], nextCursor: null } };
    const sut = allPages(async (cursor) => {
      asked.push(cursor);
      return pages[cursor ?? 'first'] as ListPage<number>;
    });
    expect(await collect(sut)).toEqual([1, 2, 3, 4, 5]);
    expect(asked).toEqual([undefined, 'c1', 'c2']);
  });

  it('stops on a cursor given twice instead of looping forever', async () => {
    const sut = allPages(async () => ({ items: [1], nextCursor: 'same' }));
    await expect(collect(sut)).rejects.toThrow('already given');
  });
});
