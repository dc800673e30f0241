/**
 * Async iteration over paged lists, items or whole pages, in the two styles our APIs use.
 * A paginator fetches lazily and starts over each time it is iterated.
 */
import type { PaginationMetadata } from '@iamkit/core/tiledb';

export interface Paginator<T> extends AsyncIterable<T> {
  /** One array per page, as the server returned them. */
  pages(): AsyncIterable<T[]>;
}

export interface PageNumberPage<T> {
  items: T[] | null | undefined;
  pagination?: PaginationMetadata | null | undefined;
}

export interface CursorPage<T> {
  items: T[] | null | undefined;
  nextCursor?: string | null | undefined;
}

function paginator<T>(pages: () => AsyncGenerator<T[]>): Paginator<T> {
  return {
    pages,
    async *[Symbol.asyncIterator]() {
      for await (const page of pages()) yield* page;
    },
  };
}

/**
 * TileDB style: 1-based `page`, `pagination_metadata` in each response. Stops after an empty
 * or missing list, or once `page >= total_pages`.
 */
export function pageNumberPaginator<T>(
  fetchPage: (page: number) => Promise<PageNumberPage<T>>,
  options: { startPage?: number | undefined } = {},
): Paginator<T> {
  const startPage = options.startPage ?? 1;
  return paginator(async function* () {
    for (let page = startPage; ; page++) {
      const { items, pagination } = await fetchPage(page);
      if (!items || items.length === 0) return;
      yield items;
      const totalPages = pagination?.total_pages;
      const current = pagination?.page ?? page;
      if (typeof totalPages === 'number' && current >= totalPages) return;
    }
  });
}

/**
 * Authress style: pass `pagination.next.cursor` back as `cursor`. Stops when there is no next
 * cursor (or the server hands back the cursor it was given, which would loop forever).
 */
export function cursorPaginator<T>(
  fetchPage: (cursor: string | undefined) => Promise<CursorPage<T>>,
  options: { cursor?: string | undefined } = {},
): Paginator<T> {
  return paginator(async function* () {
    let cursor = options.cursor;
    for (;;) {
      const { items, nextCursor } = await fetchPage(cursor);
      if (items && items.length > 0) yield items;
      if (!nextCursor || nextCursor === cursor) return;
      cursor = nextCursor;
    }
  });
}
