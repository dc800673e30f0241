/**
 * `~/.tiledb/cloud.json` is the lowest layer and another tool's file: one that cannot be read
 * or used is ignored with one warning line, never an error, and commands that do not need
 * it carry on.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliHarness, type RunResult, startCli } from './helpers.js';

let cli: CliHarness;
const CANARY = 'CANARYKEY-0123456789abcdef';

interface Row {
  key: string;
  value: string | null;
  source: string;
}

async function writeRaw(text: string) {
  const path = join(cli.home, '.tiledb', 'cloud.json');
  await rm(path, { recursive: true, force: true });
  await mkdir(join(cli.home, '.tiledb'), { recursive: true });
  await writeFile(path, text);
}

function warnings(result: RunResult): string[] {
  return result.stderr.split('\n').filter((line) => line.startsWith('warning: ignoring'));
}

beforeAll(async () => {
  cli = await startCli();
});
afterAll(async () => {
  await cli.close();
});

describe('an unusable ~/.tiledb/cloud.json is ignored with a warning', () => {
  it('bad JSON: login, config set, env-only and Authress commands still work', async () => {
    await writeRaw(`{bad "${CANARY}"`);
    const outputs: RunResult[] = [];
    const run = async (args: string[], env: Record<string, string> = {}) => {
      const result = await cli.run(args, { env });
      outputs.push(result);
      return result;
    };

    const login = await run(['login', '--host', cli.server.url, '--api-key', 'demo-api-key']);
    expect(login.code, login.stderr).toBe(0);
    expect(warnings(login)).toEqual(['warning: ignoring ~/.tiledb/cloud.json: not valid JSON']);

    const set = await run(['config', 'set', 'tiledb.host', cli.server.url, '--profile', 'other']);
    expect(set.code, set.stderr).toBe(0);

    // The profile (logged in above) supplies everything.
    const whoami = await run(['whoami', '--json']);
    expect(whoami.code, whoami.stderr).toBe(0);
    expect(JSON.parse(whoami.stdout).username).toBe('demo');
    expect(warnings(whoami)).toHaveLength(1); // once per run, although config is read twice

    // The environment supplies everything ('other' holds only a host, which it overrides).
    const env = await run(['whoami', '--json', '--profile', 'other'], {
      TILEDB_REST_TOKEN: 'demo-member-key',
      TILEDB_REST_HOST: cli.server.url,
    });
    expect(env.code, env.stderr).toBe(0);
    expect(JSON.parse(env.stdout).username).toBe('demo-member');

    const accessKey = cli.server.identities.serviceClients[0]?.accessKey as string;
    const authress = await run(['authress', 'groups', 'list', '--profile', 'other'], {
      AUTHRESS_URL: cli.server.authressUrl,
      AUTHRESS_ACCESS_KEY: accessKey,
    });
    expect(authress.code, authress.stderr).toBe(0);

    const list = await run(['config', 'list', '--json']);
    expect(list.code, list.stderr).toBe(0);
    const rows = Object.fromEntries((JSON.parse(list.stdout) as Row[]).map((r) => [r.key, r]));
    expect(rows['cloud_json']).toEqual({
      key: 'cloud_json',
      value: '~/.tiledb/cloud.json',
      source: 'ignored: not valid JSON',
    });
    expect(rows['tiledb.api_key']?.source).toBe('profile default');

    for (const result of outputs) {
      expect(result.stdout + result.stderr).not.toContain(CANARY);
      expect(result.stderr).not.toContain('hint: see `iamkit config list`');
    }
  });

  it('a /v1 host: a command that needed cloud.json is simply not logged in (exit 4)', async () => {
    await writeRaw(
      JSON.stringify({
        host: 'https://api.tiledb.com/v1',
        api_key: { 'X-TILEDB-REST-API-KEY': CANARY },
      }),
    );
    // A saved profile with no TileDB settings: the credentials could only come from cloud.json.
    const saved = await cli.run([
      'config',
      'set',
      'authress.url',
      'http://127.0.0.1:9',
      '--profile',
      'empty',
    ]);
    expect(saved.code, saved.stderr).toBe(0);
    const result = await cli.run(['whoami', '--profile', 'empty']);
    expect(result.code).toBe(4);
    expect(warnings(result)).toHaveLength(1);
    expect(warnings(result)[0]).toMatch(
      /^warning: ignoring ~\/\.tiledb\/cloud\.json: host: The TileDB host must not end in \/v1/,
    );
    expect(result.stderr).toContain('error: no TileDB credentials for profile "empty"');
    expect(result.stderr).toContain('hint: run `iamkit login`');
    expect(result.stdout + result.stderr).not.toContain(CANARY);

    const list = await cli.run(['config', 'list', '--profile', 'empty', '--json']);
    expect(list.code, list.stderr).toBe(0);
    const rows = Object.fromEntries((JSON.parse(list.stdout) as Row[]).map((r) => [r.key, r]));
    // None of its values is used, not even the API key next to the bad host.
    expect(rows['tiledb.host']).toMatchObject({
      value: 'https://api.tiledb.com',
      source: 'default',
    });
    expect(rows['tiledb.api_key']).toMatchObject({ value: null, source: 'unset' });
    expect(rows['cloud_json']?.source).toMatch(/^ignored: host: The TileDB host must not end/);
    expect(list.stdout + list.stderr).not.toContain(CANARY);
  });

  it('wrong types and an unreadable file are named, without values', async () => {
    await writeRaw(JSON.stringify({ username: 42, password: CANARY }));
    const typed = await cli.run(['config', 'list', '--profile', 'empty']);
    expect(typed.code, typed.stderr).toBe(0);
    expect(warnings(typed)[0]).toMatch(
      /^warning: ignoring ~\/\.tiledb\/cloud\.json: not a valid TileDB config: username: /,
    );
    expect(typed.stdout + typed.stderr).not.toContain(CANARY);

    await writeRaw(JSON.stringify({ username: 'alice', password: '' }));
    const half = await cli.run(['config', 'list', '--profile', 'empty']);
    expect(warnings(half)).toEqual([
      'warning: ignoring ~/.tiledb/cloud.json: username is set but password is not',
    ]);

    const path = join(cli.home, '.tiledb', 'cloud.json');
    await rm(path, { force: true });
    await mkdir(path); // reading a directory fails with EISDIR
    const unreadable = await cli.run(['config', 'list', '--profile', 'empty']);
    expect(unreadable.code, unreadable.stderr).toBe(0);
    expect(warnings(unreadable)).toEqual([
      'warning: ignoring ~/.tiledb/cloud.json: cannot read it (EISDIR)',
    ]);
    await rm(path, { recursive: true, force: true });
    const none = await cli.run(['config', 'list', '--profile', 'empty']);
    expect(none.code, none.stderr).toBe(0);
    expect(none.stderr).not.toContain('cloud.json');
  });
});

describe('logout and cloud.json', () => {
  it('warns that cloud.json still logs you in, even when the profile had credentials too', async () => {
    await writeRaw(
      JSON.stringify({
        api_key: { 'X-TILEDB-REST-API-KEY': 'demo-member-key' },
        host: cli.server.url,
      }),
    );
    const login = await cli.run(['login', '--host', cli.server.url, '--api-key', 'demo-api-key']);
    expect(login.code, login.stderr).toBe(0);
    const logout = await cli.run(['logout']);
    expect(logout.code).toBe(0);
    expect(logout.stderr).toContain(
      'warning: ~/.tiledb/cloud.json still holds credentials (iamkit never edits that file)',
    );
    // Which is true: the next command is signed in as cloud.json's user.
    const who = await cli.run(['whoami', '--json']);
    expect(JSON.parse(who.stdout).username).toBe('demo-member');
    await rm(join(cli.home, '.tiledb'), { recursive: true, force: true });
  });
});
