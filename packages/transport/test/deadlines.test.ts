import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Deadlines } from '../src/deadlines.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Deadlines: attempt timeouts on one runtime timer', () => {
  it('fires each deadline once, in time order, whatever order they were added in', async () => {
    const deadlines = new Deadlines();
    const fired: Array<[string, number]> = [];
    const started = performance.now();
    for (const [name, ms] of [
      ['c', 90],
      ['a', 30],
      ['b', 60],
    ] as const) {
      deadlines.add(ms, () => fired.push([name, performance.now() - started]));
    }
    await sleep(200);
    expect(fired.map(([name]) => name)).toEqual(['a', 'b', 'c']);
    for (const [name, at] of fired) {
      const due = { a: 30, b: 60, c: 90 }[name as 'a' | 'b' | 'c'];
      expect(at).toBeGreaterThanOrEqual(due - 2);
      expect(at).toBeLessThan(due + 60);
    }
  });

  it('a cancelled deadline never fires, and cancelling twice or after firing is harmless', async () => {
    const deadlines = new Deadlines();
    const fired: string[] = [];
    const cancelFirst = deadlines.add(20, () => fired.push('first'));
    const cancelSecond = deadlines.add(40, () => fired.push('second'));
    deadlines.add(Number.POSITIVE_INFINITY, () => fired.push('never'));
    cancelFirst();
    cancelFirst();
    await sleep(80);
    cancelSecond();
    expect(fired).toEqual(['second']);
  });

  it('an earlier deadline added later still fires on time', async () => {
    const deadlines = new Deadlines();
    const fired: string[] = [];
    deadlines.add(5_000, () => fired.push('late'));
    deadlines.add(20, () => fired.push('early'));
    await sleep(80);
    expect(fired).toEqual(['early']);
  });

  describe('where timers have no unref (browsers, Deno, edge workers)', () => {
    afterEach(() => {
      vi.unstubAllGlobals();
    });

    /** Timers as plain numbers, the way those runtimes return them, with the live ones counted. */
    function numericTimers() {
      const live = new Set<number>();
      const realSet = globalThis.setTimeout;
      const realClear = globalThis.clearTimeout;
      vi.stubGlobal('setTimeout', (callback: () => void, ms: number) => {
        const id = Number(
          realSet(() => {
            live.delete(id);
            callback();
          }, ms),
        );
        live.add(id);
        return id;
      });
      vi.stubGlobal('clearTimeout', (id: number) => {
        live.delete(id);
        realClear(id);
      });
      return live;
    }

    it('deadlines still fire on time, and nothing is left waiting once all are done', async () => {
      const live = numericTimers();
      const deadlines = new Deadlines();
      const fired: string[] = [];
      const cancels = [
        deadlines.add(5_000, () => fired.push('long')),
        deadlines.add(30, () => fired.push('short')),
        deadlines.add(4_000, () => fired.push('other')),
      ];
      await sleep(80);
      expect(fired).toEqual(['short']);
      for (const cancel of cancels) cancel();
      expect(live.size).toBe(0);
    });
  });

  it('a Node process exits right after its last call, not when the attempt timer would fire', async () => {
    // The built transport, as a user's script runs it: a call with the default 30 s attempt
    // timeout, then nothing left to do.
    const entry = fileURLToPath(new URL('../dist/index.js', import.meta.url));
    const script = `
      import { createServer } from 'node:http';
      import { Transport } from ${JSON.stringify(entry)};
      const server = createServer((_req, res) => res.end('{}')).listen(0, '127.0.0.1');
      await new Promise((resolve) => server.once('listening', resolve));
      const transport = new Transport({ baseUrl: 'http://127.0.0.1:' + server.address().port });
      await transport.request({ method: 'GET', path: '/ping' });
      server.close();
      server.closeAllConnections();
    `;
    const started = performance.now();
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
        stdio: 'inherit',
      });
      child.on('exit', resolve);
    });
    expect(code).toBe(0);
    expect(performance.now() - started).toBeLessThan(10_000);
  });
});
