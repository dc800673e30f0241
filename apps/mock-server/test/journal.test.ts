import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Journal } from '../src/journal.js';
import { Store } from '../src/store.js';
import { tempDir } from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterEach(() => cleanup());

async function openStore(file: string, compactEvery = 1000) {
  const loaded = await Journal.load(file);
  const store = new Store(loaded.state ?? {});
  for (const op of loaded.ops) store.apply(op);
  const journal = await Journal.open(file, loaded.seq, () => store.toJSON(), { compactEvery });
  store.attachJournal(journal);
  return { store, journal };
}

describe('store + journal', () => {
  it('settles only after every write appended so far is on disk', async () => {
    const file = join(dir, 's.json');
    const { store, journal } = await openStore(file);
    const writes = Array.from({ length: 20 }, (_, i) =>
      store.write((tx) => tx.collection('c').set(`k${i}`, i)),
    );
    // Read the journal the instant settled() resolves: all 20 lines must already be there.
    const linesAtSettle = await store
      .settled()
      .then(() => readFileSync(`${file}.journal`, 'utf8').split('\n').filter(Boolean).length);
    expect(linesAtSettle).toBe(20);
    await Promise.all(writes);
    await journal.close();
  });

  it('shares one fsync among concurrent writes (group commit) yet journals each write', async () => {
    const file = join(dir, 's.json');
    const { store, journal } = await openStore(file);
    await Promise.all(
      Array.from({ length: 50 }, (_, i) => store.write((tx) => tx.collection('c').set(`k${i}`, i))),
    );
    const lines = (await readFile(`${file}.journal`, 'utf8')).split('\n').filter(Boolean);
    expect(lines.map((l) => (JSON.parse(l) as { seq: number }).seq)).toEqual(
      Array.from({ length: 50 }, (_, i) => i + 1),
    );
    await journal.close();
  });

  it('rejects async write callbacks and applies nothing from them', async () => {
    const { store, journal } = await openStore(join(dir, 's.json'));
    await expect(
      store.write((tx) => {
        tx.collection('c').set('k', 1);
        return Promise.resolve();
      }),
    ).rejects.toThrow(/synchronous/);
    expect(store.collection('c').has('k')).toBe(false);
    await journal.close();
  });

  it('hands out frozen values that cannot be changed behind the journal', async () => {
    const store = new Store();
    await store.write((tx) => tx.collection('c').set('k', { nested: { n: 1 } }));
    const value = store.collection<{ nested: { n: number } }>('c').get('k')!;
    expect(() => {
      value.nested.n = 2;
    }).toThrow(TypeError);
  });
});
