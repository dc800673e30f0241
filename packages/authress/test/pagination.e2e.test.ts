/** Cursor pagination that stays correct while the collection changes under it. */
import { describe, expect, it } from 'vitest';
import { useHarness } from './helpers.js';

const h = useHarness();

async function createMany(count: number, prefix: string): Promise<string[]> {
  const ids: string[] = [];
  // Sequential, so creation order is known; each chosen id is unique.
  for (let i = 0; i < count; i++) {
    const group = await h.client.createGroup({
      groupId: `grp_${prefix}_${String(i).padStart(3, '0')}`,
      name: `${prefix} ${i}`,
      users: [],
      admins: [],
    });
    ids.push(group.groupId!);
  }
  return ids;
}

describe('listAllGroups', () => {
  it('pages through 95 groups with limit 20 exactly once each while others are created', async () => {
    const original = await createMany(95, 'base');
    const seen: string[] = [];
    const pageSizes: number[] = [];
    let extra = 0;
    for await (const page of h.client.listAllGroups({ limit: 20 }).pages()) {
      pageSizes.push(page.length);
      seen.push(...page.map((g) => g.groupId!));
      // Between pages, another writer adds groups (and they are new, so they come later).
      await Promise.all(
        [0, 1, 2].map((i) =>
          h.client.createGroup({ name: `concurrent ${extra}-${i}`, users: [], admins: [] }),
        ),
      );
      extra++;
    }
    for (const id of original) expect(seen.filter((s) => s === id)).toHaveLength(1);
    expect(new Set(seen).size).toBe(seen.length);
    expect(pageSizes.slice(0, 4)).toEqual([20, 20, 20, 20]);
    expect(pageSizes.every((n) => n <= 20)).toBe(true);
  });

  it('groups deleted between pages neither break the cursor nor repeat others', async () => {
    const ids = await createMany(45, 'del');
    const seen: string[] = [];
    let pages = 0;
    for await (const page of h.client.listAllGroups({ limit: 20 }).pages()) {
      seen.push(...page.map((g) => g.groupId!));
      if (pages++ === 0) {
        // Delete the last group of this page and two groups not yet served.
        await h.client.deleteGroup(page[page.length - 1]!.groupId!);
        await h.client.deleteGroup(ids[25]!);
        await h.client.deleteGroup(ids[30]!);
      }
    }
    const expected = ids.filter((id) => id !== ids[25] && id !== ids[30]);
    expect(seen).toEqual(expected);
  });

  it('iterates items across pages and honours the filter on every page', async () => {
    await createMany(25, 'alpha');
    await createMany(5, 'beta');
    const names: string[] = [];
    for await (const group of h.client.listAllGroups({ filter: 'ALPHA', limit: 7 })) {
      names.push(group.name);
    }
    expect(names).toHaveLength(25);
    expect(names.every((n) => n.startsWith('alpha'))).toBe(true);
  });

  it('the server refuses a forged cursor and a filter change mid-way', async () => {
    await createMany(3, 'c');
    const forged = await h.raw('/v1/groups?cursor=not-a-cursor');
    expect(forged.status).toBe(400);
    const first = await h.client.getGroups({ limit: 1, filter: 'c' });
    const cursor = first.pagination!.next!.cursor;
    const changed = await h.raw(`/v1/groups?cursor=${encodeURIComponent(cursor)}&filter=other`);
    expect(changed.status).toBe(400);
    const tooMany = await h.raw('/v1/groups?limit=21');
    expect(tooMany.status).toBe(400);
    const defaultLimit = (await (await h.raw('/v1/groups')).json()) as { groups: unknown[] };
    expect(defaultLimit.groups).toHaveLength(3);
  });

  it('responds with application/links+json', async () => {
    const response = await h.raw('/v1/groups');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/links+json');
  });
});
