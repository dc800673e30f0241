import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
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
