import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startMockServer } from '../src/index.js';
import { probeRoutes } from './fixtures/probe-routes.js';
import { demoKey, tempDir } from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterEach(() => cleanup());

const put = (url: string, name: string, body: unknown) =>
  fetch(`${url}/v4/probe/items/demo/${encodeURIComponent(name)}`, {
    method: 'PUT',
    headers: { ...demoKey, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
const get = async (url: string, name: string) => {
  const res = await fetch(`${url}/v4/probe/items/demo/${encodeURIComponent(name)}`, {
    headers: demoKey,
  });
  return { status: res.status, body: res.status === 200 ? await res.json() : undefined };
};

describe('--data persistence', () => {
  it('keeps every acknowledged write across a restart', async () => {
    const dataFile = join(dir, 'state.json');
    const first = await startMockServer({ port: 0, dataFile, routes: [probeRoutes] });
    const writes = await Promise.all(
      Array.from({ length: 25 }, (_, i) => put(first.url, `item-${i}`, { name: `n${i}` })),
    );
    expect(writes.every((r) => r.status === 204)).toBe(true);
    await first.close();

    const second = await startMockServer({ port: 0, dataFile, routes: [probeRoutes] });
    try {
      for (let i = 0; i < 25; i++) {
        expect(await get(second.url, `item-${i}`)).toEqual({
          status: 200,
          body: { name: `n${i}`, key: `item-${i}` },
        });
      }
    } finally {
      await second.close();
    }
  });

  it('journals each write before acknowledging it (no snapshot needed to recover)', async () => {
    const dataFile = join(dir, 'state.json');
    const server = await startMockServer({
      port: 0,
      dataFile,
      routes: [probeRoutes],
      compactEvery: 1_000_000,
    });
    try {
      expect((await put(server.url, 'journaled', { name: 'j' })).status).toBe(204);
      // Acknowledged: the line is already in the journal, while the snapshot predates it.
      const journal = await readFile(`${dataFile}.journal`, 'utf8');
      expect(journal.trim().split('\n')).toHaveLength(1);
      expect(JSON.parse(journal)).toMatchObject({
        seq: 1,
        ops: [{ c: 'probe_items', v: { name: 'j' } }],
      });
      expect(await readFile(dataFile, 'utf8')).not.toContain('journaled');
    } finally {
      await server.close();
    }
  });

  it('compacts the journal into the snapshot and still recovers everything', async () => {
    const dataFile = join(dir, 'state.json');
    const first = await startMockServer({
      port: 0,
      dataFile,
      routes: [probeRoutes],
      compactEvery: 5,
    });
    for (let i = 0; i < 12; i++)
      expect((await put(first.url, `c${i}`, { name: `v${i}` })).status).toBe(204);
    const journalLines = (await readFile(`${dataFile}.journal`, 'utf8'))
      .split('\n')
      .filter(Boolean);
    expect(journalLines.length).toBeLessThan(5);
    const snapshot = JSON.parse(await readFile(dataFile, 'utf8')) as {
      seq: number;
      state: Record<string, unknown>;
    };
    expect(snapshot.seq).toBeGreaterThanOrEqual(10);
    expect(Object.keys(snapshot.state['probe_items'] as object)).toHaveLength(10);
    await first.close();
    // A crash right after compaction renamed the snapshot but before it emptied the
    // journal leaves entries the snapshot already holds; replay must skip them.
    await writeFile(
      `${dataFile}.journal`,
      `${JSON.stringify({ seq: 3, ops: [{ c: 'probe_items', k: 'demo\u0000c0', d: 1 }] })}\n`,
    );
    const second = await startMockServer({ port: 0, dataFile, routes: [probeRoutes] });
    try {
      for (let i = 0; i < 12; i++) expect((await get(second.url, `c${i}`)).status).toBe(200);
    } finally {
      await second.close();
    }
  });

  it('ignores a torn last journal line from a crash mid-append', async () => {
    const dataFile = join(dir, 'state.json');
    const first = await startMockServer({
      port: 0,
      dataFile,
      routes: [probeRoutes],
      compactEvery: 1_000_000,
    });
    expect((await put(first.url, 'kept', { name: 'kept' })).status).toBe(204);
    // Crash without close(): copy the files as they are now, then add a torn line.
    const snapshot = await readFile(dataFile, 'utf8');
    const journal = await readFile(`${dataFile}.journal`, 'utf8');
    await first.close();
    const crashed = join(dir, 'crashed.json');
    await writeFile(crashed, snapshot);
    await writeFile(
      `${crashed}.journal`,
      `${journal}{"seq":2,"ops":[{"c":"probe_items","k":"demo\\u0000torn","v":{"na`,
    );
    const second = await startMockServer({ port: 0, dataFile: crashed, routes: [probeRoutes] });
    try {
      expect(await get(second.url, 'kept')).toMatchObject({ status: 200 });
      expect((await get(second.url, 'torn')).status).toBe(404);
      expect((await put(second.url, 'after', { name: 'after' })).status).toBe(204);
      const lines = (await readFile(`${crashed}.journal`, 'utf8')).split('\n').filter(Boolean);
      expect(lines.map((l) => JSON.parse(l))).toHaveLength(1);
    } finally {
      await second.close();
    }
  });

  it('refuses a journal damaged before its last line instead of dropping acknowledged writes', async () => {
    const dataFile = join(dir, 'state.json');
    const first = await startMockServer({
      port: 0,
      dataFile,
      routes: [probeRoutes],
      compactEvery: 1_000_000,
    });
    for (const name of ['a', 'b', 'c']) await put(first.url, name, { name });
    const snapshot = await readFile(dataFile, 'utf8');
    const lines = (await readFile(`${dataFile}.journal`, 'utf8')).split('\n');
    await first.close();
    await writeFile(dataFile, snapshot);
    lines[1] = '{"seq": 2, "ops": [garbage';
    await writeFile(`${dataFile}.journal`, lines.join('\n'));
    await expect(startMockServer({ port: 0, dataFile })).rejects.toThrow(/corrupt at line 2/);
  });

  it('refuses a data file that is not ours, naming it', async () => {
    const dataFile = join(dir, 'foreign.json');
    await writeFile(dataFile, '{"hello": "world"}');
    await expect(startMockServer({ port: 0, dataFile })).rejects.toThrow(
      /not an iamkit-mock data file/,
    );
  });

  it('keeps state in memory without --data: a new server starts from the seed', async () => {
    const first = await startMockServer({ port: 0, routes: [probeRoutes] });
    await put(first.url, 'mem', { name: 'm' });
    await first.close();
    const second = await startMockServer({ port: 0, routes: [probeRoutes] });
    try {
      expect((await get(second.url, 'mem')).status).toBe(404);
    } finally {
      await second.close();
    }
  });

  it('makes a reset durable too', async () => {
    const dataFile = join(dir, 'state.json');
    const first = await startMockServer({ port: 0, dataFile, routes: [probeRoutes] });
    await put(first.url, 'gone', { name: 'g' });
    expect((await fetch(`${first.url}/__admin/reset`, { method: 'POST' })).status).toBe(204);
    await put(first.url, 'after-reset', { name: 'a' });
    await first.close();
    const second = await startMockServer({ port: 0, dataFile, routes: [probeRoutes] });
    try {
      expect((await get(second.url, 'gone')).status).toBe(404);
      expect((await get(second.url, 'after-reset')).status).toBe(200);
    } finally {
      await second.close();
    }
  });

  it('keeps Authress user tokens valid across a restart', async () => {
    const dataFile = join(dir, 'state.json');
    const first = await startMockServer({ port: 0, dataFile, routes: [probeRoutes] });
    const minted = await fetch(`${first.authressUrl}/api/probe-authentication`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ userId: 'user|kept' }),
    });
    const { accessToken } = (await minted.json()) as { accessToken: string };
    const state = await (await fetch(`${first.url}/__admin/state`)).text();
    expect(state).toContain('"privateKey":"[redacted]"');
    await first.close();
    const second = await startMockServer({ port: 0, dataFile, routes: [probeRoutes] });
    try {
      const res = await fetch(`${second.authressUrl}/v1/probe`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${accessToken}`, 'Content-Type': 'application/json' },
        body: '{"name":"n"}',
      });
      expect(res.status).toBe(201);
      expect(await res.json()).toMatchObject({ kind: 'user', subject: 'user|kept' });
    } finally {
      await second.close();
    }
  });

  it('refuses a second server on the same data file, and frees it on close', async () => {
    const dataFile = join(dir, 'state.json');
    const first = await startMockServer({ port: 0, dataFile });
    await expect(startMockServer({ port: 0, dataFile })).rejects.toThrow(
      /already used by another server/,
    );
    await first.close();
    const second = await startMockServer({ port: 0, dataFile });
    await second.close();
  });

  it('releases the data file when startup fails after opening it', async () => {
    const dataFile = join(dir, 'state.json');
    const blocker = await startMockServer({ port: 0 });
    try {
      await expect(startMockServer({ port: blocker.port, dataFile })).rejects.toThrow(/EADDRINUSE/);
      const next = await startMockServer({ port: 0, dataFile });
      await next.close();
    } finally {
      await blocker.close();
    }
  });
});
