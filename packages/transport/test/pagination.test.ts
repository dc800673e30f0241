import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cursorPaginator, NotFoundError, pageNumberPaginator, Transport } from '../src/index.js';
import { sendJson, startServer, type TestServer } from './helpers/server.js';

// A small server with 7 groups, listed TileDB-style (page/per_page) and Authress-style (cursor).
const ALL = Array.from({ length: 7 }, (_, i) => ({ name: `g${i + 1}` }));
let server: TestServer;
let transport: Transport;

beforeAll(async () => {
  server = await startServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    if (url.pathname === '/v2/groups') {
      const page = Number(url.searchParams.get('page') ?? 1);
      const perPage = Number(url.searchParams.get('per_page') ?? 3);
      const totalPages = Math.ceil(ALL.length / perPage);
      const items = ALL.slice((page - 1) * perPage, page * perPage);
      return sendJson(res, 200, {
        groups: items,
        pagination_metadata: {
          page,
          per_page: perPage,
          total_pages: totalPages,
          total_items: ALL.length,
        },
      });
    }
    if (url.pathname === '/v2/no-metadata') {
      const page = Number(url.searchParams.get('page'));
      return sendJson(res, 200, { groups: page <= 2 ? ALL.slice((page - 1) * 3, page * 3) : [] });
    }
    if (url.pathname === '/authress/v1/groups') {
      const start = Number(url.searchParams.get('cursor') ?? 0);
      const limit = Number(url.searchParams.get('limit') ?? 3);
      const next = start + limit < ALL.length ? String(start + limit) : null;
      return sendJson(res, 200, {
        groups: ALL.slice(start, start + limit),
        pagination: next ? { next: { cursor: next } } : { next: null },
        links: { self: { href: `http://x${req.url}` } },
      });
    }
    return sendJson(res, 404, { message: 'no such route' });
  });
  transport = new Transport({ baseUrl: server.url });
});
afterAll(() => server.close());

interface TileDBPage {
  groups?: Array<{ name: string }>;
  pagination_metadata?: { page?: number; total_pages?: number };
}
interface AuthressPage {
  groups: Array<{ name: string }>;
  pagination?: { next?: { cursor: string } | null };
}

function listTileDB(perPage: number, path = '/v2/groups') {
  return pageNumberPaginator(async (page) => {
    const data = await transport.request<TileDBPage>({
      method: 'GET',
      path,
      query: { page, per_page: perPage },
    });
    return { items: data.groups, pagination: data.pagination_metadata };
  });
}

function listAuthress(limit: number, start?: string) {
  return cursorPaginator(
    async (cursor) => {
      const data = await transport.request<AuthressPage>({
        method: 'GET',
        path: '/authress/v1/groups',
        query: { cursor, limit },
      });
      return { items: data.groups, nextCursor: data.pagination?.next?.cursor };
    },
    start === undefined ? {} : { cursor: start },
  );
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

describe('page-number pagination', () => {
  it('iterates every item across pages and stops at the last page', async () => {
    const before = server.requests.length;
    expect((await collect(listTileDB(3))).map((g) => g.name)).toEqual(ALL.map((g) => g.name));
    expect(server.requests.length - before).toBe(3);
  });

  it('iterates pages', async () => {
    const pages = await collect(listTileDB(3).pages());
    expect(pages.map((page) => page.length)).toEqual([3, 3, 1]);
  });

  it('stops on an empty list when there is no metadata', async () => {
    const before = server.requests.length;
    expect(await collect(listTileDB(3, '/v2/no-metadata'))).toHaveLength(6);
    expect(server.requests.length - before).toBe(3);
  });

  it('starts over on each iteration and stops early on break', async () => {
    const paginator = listTileDB(2);
    const before = server.requests.length;
    for await (const group of paginator) {
      expect(group.name).toBe('g1');
      break;
    }
    expect(server.requests.length - before).toBe(1);
    expect(await collect(paginator)).toHaveLength(7);
  });

  it('passes errors through', async () => {
    await expect(collect(listTileDB(3, '/v2/missing'))).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('cursor pagination', () => {
  it('follows pagination.next.cursor until it is null', async () => {
    const before = server.requests.length;
    expect((await collect(listAuthress(3))).map((g) => g.name)).toEqual(ALL.map((g) => g.name));
    expect(server.requests.slice(before).map((req) => req.url)).toEqual([
      '/authress/v1/groups?limit=3',
      '/authress/v1/groups?cursor=3&limit=3',
      '/authress/v1/groups?cursor=6&limit=3',
    ]);
  });

  it('iterates pages and can start from a given cursor', async () => {
    expect((await collect(listAuthress(5).pages())).map((page) => page.length)).toEqual([5, 2]);
    expect((await collect(listAuthress(3, '4'))).map((g) => g.name)).toEqual(['g5', 'g6', 'g7']);
  });

  it('stops when the server hands back the same cursor', async () => {
    let calls = 0;
    const stuck = cursorPaginator(async (cursor) => {
      calls++;
      return { items: [cursor ?? 'first'], nextCursor: 'same' };
    });
    expect(await collect(stuck)).toEqual(['first', 'same']);
    expect(calls).toBe(2);
  });
});
