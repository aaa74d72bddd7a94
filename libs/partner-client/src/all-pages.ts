/** One page as the partner lists answer it. */
export interface ListPage<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * Every item of a paged list, page after page, following nextCursor until it is null.
 * `fetchPage(cursor)` reads one page (undefined for the first). A cursor the server gave twice
 * would loop forever; that is refused rather than followed.
 */
export async function* allPages<T>(fetchPage: (cursor: string | undefined) => Promise<ListPage<T>>): AsyncGenerator<T> {
  const seen = new Set<string>();
  let cursor: string | undefined;
  do {
    const page = await fetchPage(cursor);
    yield* page.items;
    cursor = page.nextCursor ?? undefined;
    if (cursor !== undefined) {
      if (seen.has(cursor)) throw new Error('the list answered a cursor it had already given');
      seen.add(cursor);
    }
  } while (cursor !== undefined);
}
