import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { authressAccessKeyAuth } from '@iamkit/transport';
import { afterEach, describe, expect, it } from 'vitest';
import {
  demoKey,
  FIXTURES,
  type RunningBinary,
  runBinary,
  startBinary,
  tempDir,
} from './helpers.js';

const running: RunningBinary[] = [];
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const r of running.splice(0)) {
    if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGKILL');
    await r.exited;
  }
  for (const c of cleanups.splice(0)) await c();
});

async function start(args: string[]) {
  const r = await startBinary(args);
  running.push(r);
  return r;
}
async function dir() {
  const t = await tempDir();
  cleanups.push(t.cleanup);
  return t.dir;
}
const routesArg = ['--routes', join(FIXTURES, 'counter-routes.mjs')];

describe('iamkit-mock binary', () => {
  it('prints exactly "listening on http://HOST:PORT" first, then the seeded credentials', async () => {
    const r = await start(['--port', '0']);
    expect(r.stdout[0]).toMatch(/^listening on http:\/\/127\.0\.0\.1:\d+$/);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const rest = r.stdout.join('\n');
    expect(rest).toContain('api key:  demo-api-key');
    expect(rest).toContain('password: demo-password');
    expect(rest).toContain('api key:  demo-member-key');
    expect(rest).toMatch(/access key: sc_demo\.[^.]+\.acc-mock\.\S+/);
    const res = await fetch(`${r.url}/v1/user`, { headers: demoKey });
    expect(((await res.json()) as { username: string }).username).toBe('demo');
  });

  it('prints only the listening line with --quiet, and exits 0 on SIGTERM', async () => {
    const r = await start(['--port', '0', '--quiet']);
    await fetch(`${r.url}/__admin/health`);
    r.child.kill('SIGTERM');
    expect(await r.exited).toEqual({ code: 0, signal: null });
    expect(r.stdout).toHaveLength(1);
  });

  it('lets an in-flight request finish on SIGTERM', async () => {
    const r = await start(['--port', '0', '--quiet']);
    await fetch(`${r.url}/__admin/faults`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ path: '/v1/user', latencyMs: 400 }),
    });
    const inflight = fetch(`${r.url}/v1/user`, { headers: demoKey });
    await new Promise((resolve) => setTimeout(resolve, 100));
    r.child.kill('SIGTERM');
    const res = await inflight;
    expect(res.status).toBe(200);
    expect(await r.exited).toEqual({ code: 0, signal: null });
  });

  it('starts from a seed file', async () => {
    const d = await dir();
    const seed = join(d, 'seed.json');
    await writeFile(
      seed,
      JSON.stringify({
        users: [
          {
            username: 'alice',
            email: 'alice@example.com',
            password: 'pw',
            apiKeys: ['alice-key-1'],
          },
        ],
        organizations: [{ name: 'acme', members: [{ username: 'alice', role: 'admin' }] }],
      }),
    );
    const r = await start(['--port', '0', '--seed', seed]);
    const res = await fetch(`${r.url}/v1/user`, {
      headers: { 'X-TILEDB-REST-API-KEY': 'alice-key-1' },
    });
    expect(await res.json()).toMatchObject({
      username: 'alice',
      organizations: [{ organization_name: 'acme', role: 'admin' }],
    });
    expect((await fetch(`${r.url}/v1/user`, { headers: demoKey })).status).toBe(401);
  });

  it.each([
    [
      'a seed with a bad field',
      { users: [{ username: 'bob', email: 'bob@example.com', apiKeys: ['short'] }] },
      /users\[0\]\.apiKeys\[0\]: must be at least 8 characters/,
    ],
    [
      'a seed with an unknown field',
      { users: [], colour: 'blue' },
      /^iamkit-mock: invalid seed file \S+: colour: is not a known field$/m,
    ],
    [
      'a seed whose password is not a string (the value is not echoed)',
      { users: [{ username: 'bob', email: 'bob@example.com', password: 31415926535 }] },
      /users\[0\]\.password: Invalid type: Expected string(?![\s\S]*31415926535)/,
    ],
    ['a seed that is not JSON', '{ nope', /not valid JSON/],
    [
      'a seed that is not JSON, without quoting it',
      '{"users": [{"password": hunter2-canary}]}',
      /not valid JSON: Unexpected token(?![\s\S]*hunter2)/,
    ],
  ])('exits 2 on %s, naming the problem', async (_label, content, pattern) => {
    const d = await dir();
    const seed = join(d, 'seed.json');
    await writeFile(seed, typeof content === 'string' ? content : JSON.stringify(content));
    const { code, stdout, stderr } = await runBinary(['--port', '0', '--seed', seed]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(pattern);
  });

  it.each([
    [['--port', 'eighty']],
    [['--bogus']],
    [['--seed', '/definitely/not/here.json']],
    [['keygen', '--client-id', 'has.dot']],
    [['keygen', '--nope']],
  ])('exits 2 on bad usage %j', async (args) => {
    const { code, stderr } = await runBinary(args);
    expect(code).toBe(2);
    expect(stderr).toMatch(/Usage:/);
  });

  it('keygen prints an access key and its public JWK, and a seed can use it', async () => {
    const { code, stdout } = await runBinary([
      'keygen',
      '--client-id',
      'sc_ci',
      '--account-id',
      'acc-ci',
    ]);
    expect(code).toBe(0);
    const key = JSON.parse(stdout) as {
      accessKey: string;
      keyId: string;
      publicJwk: Record<string, string>;
    };
    expect(key.accessKey).toMatch(/^sc_ci\.[^.]+\.acc-ci\.[A-Za-z0-9+/=]+$/);
    expect(key.publicJwk).toMatchObject({
      kty: 'OKP',
      crv: 'Ed25519',
      kid: key.keyId,
      alg: 'EdDSA',
    });
    const d = await dir();
    const seed = join(d, 'seed.json');
    await writeFile(
      seed,
      JSON.stringify({ serviceClients: [{ clientId: 'sc_ci', accessKey: key.accessKey }] }),
    );
    const r = await start(['--port', '0', '--seed', seed, ...routesArg]);
    const auth = authressAccessKeyAuth(key.accessKey, { authressApiUrl: `${r.url}/authress` });
    const res = await fetch(`${r.url}/authress/v1/fixture/whoami`, {
      headers: await auth.headers({ url: `${r.url}/authress/v1/fixture/whoami`, method: 'GET' }),
    });
    expect(await res.json()).toEqual({ subject: 'sc_ci', kind: 'service-client' });
  });

  it('keeps state across a clean restart with --data', async () => {
    const dataFile = join(await dir(), 'state.json');
    const first = await start(['--port', '0', '--quiet', '--data', dataFile, ...routesArg]);
    const put = await fetch(`${first.url}/v1/fixture/items/one`, {
      method: 'PUT',
      headers: { ...demoKey, 'Content-Type': 'application/json' },
      body: '{"v":1}',
    });
    expect(put.status).toBe(204);
    first.child.kill('SIGINT');
    expect((await first.exited).code).toBe(0);
    const second = await start(['--port', '0', '--quiet', '--data', dataFile, ...routesArg]);
    expect(
      await (await fetch(`${second.url}/v1/fixture/items/one`, { headers: demoKey })).json(),
    ).toEqual({ v: 1 });
  });

  it('exits 1 with a hint when the port is taken', async () => {
    const first = await start(['--port', '0', '--quiet']);
    const port = new URL(first.url).port;
    const { code, stderr } = await runBinary(['--port', port]);
    expect(code).toBe(1);
    expect(stderr).toContain(`port ${port} is already in use (try --port 0)`);
  });

  it('exits 1 when another process holds the data file', async () => {
    const dataFile = join(await dir(), 'state.json');
    await start(['--port', '0', '--quiet', '--data', dataFile]);
    const { code, stderr } = await runBinary(['--port', '0', '--data', dataFile]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/is in use by process \d+/);
  });

  it('loses no acknowledged write when killed with SIGKILL mid-flight', async () => {
    const dataFile = join(await dir(), 'state.json');
    const first = await start(['--port', '0', '--quiet', '--data', dataFile, ...routesArg]);
    const acknowledged: string[] = [];
    let stop = false;
    const writer = async (w: number) => {
      for (let i = 0; !stop; i++) {
        const id = `w${w}-${i}`;
        try {
          const res = await fetch(`${first.url}/v1/fixture/items/${id}`, {
            method: 'PUT',
            headers: { ...demoKey, 'Content-Type': 'application/json' },
            body: JSON.stringify({ id, pad: 'x'.repeat(200) }),
          });
          if (res.status === 204) acknowledged.push(id);
        } catch {
          return; // the server died under us
        }
      }
    };
    const writers = Array.from({ length: 16 }, (_, w) => writer(w));
    while (acknowledged.length < 300) await new Promise((resolve) => setTimeout(resolve, 5));
    first.child.kill('SIGKILL');
    stop = true;
    await Promise.all(writers);
    expect((await first.exited).signal).toBe('SIGKILL');

    // The files on disk parse: the snapshot is whole JSON, every journal line but a torn tail is JSON.
    const snapshot = JSON.parse(await readFile(dataFile, 'utf8')) as { format: string };
    expect(snapshot.format).toBe('iamkit-mock-state');

    const second = await start(['--port', '0', '--quiet', '--data', dataFile, ...routesArg]);
    const missing: string[] = [];
    for (const id of acknowledged) {
      const res = await fetch(`${second.url}/v1/fixture/items/${id}`, { headers: demoKey });
      if (res.status !== 200) missing.push(id);
      else expect(await res.json()).toMatchObject({ id });
    }
    expect(missing).toEqual([]);
  }, 60_000);
});
