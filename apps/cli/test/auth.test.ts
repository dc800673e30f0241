import { spawn } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { dirname } from 'node:path';
import { generateAccessKey } from '@iamkit/mock-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, type CliHarness, startCli } from './helpers.js';

let cli: CliHarness;

beforeAll(async () => {
  cli = await startCli();
});
afterAll(async () => {
  await cli.close();
});

describe('login, whoami, logout', () => {
  it('login with --api-key checks the key, saves the profile with mode 0600', async () => {
    const result = await cli.run(['login', '--host', cli.server.url, '--api-key', 'demo-api-key']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(await cli.readConfig()).toEqual({
      version: 1,
      profiles: { default: { 'tiledb.host': cli.server.url, 'tiledb.api_key': 'demo-api-key' } },
    });
    expect((await stat(cli.configPath)).mode & 0o777).toBe(0o600);
    expect((await stat(dirname(cli.configPath))).mode & 0o777).toBe(0o700);
  });

  it('whoami prints the user as key<TAB>value lines when piped', async () => {
    const result = await cli.run(['whoami']);
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toContain('username\tdemo');
    expect(lines).toContain('email\tdemo@example.com');
    expect(lines).toContain(`host\t${cli.server.url}`);
    expect(lines).toContain('credentials\tprofile default');
  });

  it('whoami --json prints the API response', async () => {
    const result = await cli.run(['whoami', '--json']);
    const user = JSON.parse(result.stdout);
    expect(user).toMatchObject({ username: 'demo', email: 'demo@example.com' });
    expect(user.organizations[0]).toMatchObject({ organization_name: 'demo-org', role: 'owner' });
    expect(user).not.toHaveProperty('host');
  });

  it('login with --username and --password-stdin saves a second profile', async () => {
    const result = await cli.run(
      [
        'login',
        '--host',
        cli.server.url,
        '--username',
        'demo-member',
        '--password-stdin',
        '--profile',
        'member',
      ],
      { input: 'demo-member-password\n' },
    );
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const config = (await cli.readConfig()) as { profiles: Record<string, unknown> };
    expect(config.profiles['member']).toEqual({
      'tiledb.host': cli.server.url,
      'tiledb.username': 'demo-member',
      'tiledb.password': 'demo-member-password',
    });
    const who = await cli.run(['whoami', '--profile', 'member']);
    expect(who.stdout).toContain('username\tdemo-member');
    const viaEnv = await cli.run(['whoami'], { env: { IAMKIT_PROFILE: 'member' } });
    expect(viaEnv.stdout).toContain('username\tdemo-member');
  });

  it('login --api-key - reads the key from stdin', async () => {
    const result = await cli.run(
      ['login', '--host', cli.server.url, '--api-key', '-', '--profile', 'stdin'],
      {
        input: 'demo-member-key\n',
      },
    );
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const config = (await cli.readConfig()) as { profiles: Record<string, Record<string, string>> };
    expect(config.profiles['stdin']?.['tiledb.api_key']).toBe('demo-member-key');
  });

  it('rejected credentials exit 4 and save nothing', async () => {
    const before = await cli.readConfig();
    const result = await cli.run([
      'login',
      '--host',
      cli.server.url,
      '--api-key',
      'not-a-key',
      '--profile',
      'bad',
    ]);
    expect(result.code).toBe(4);
    expect(result.stderr).toContain('rejected these credentials; nothing was saved');
    expect(result.stderr).not.toContain('not-a-key');
    expect(await cli.readConfig()).toEqual(before);
  });

  it('login without credentials on a pipe is a usage error', async () => {
    const result = await cli.run(['login', '--host', cli.server.url]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--api-key');
  });

  it('login --authress checks the access key format and saves URL and key', async () => {
    const client = cli.server.identities.serviceClients[0]!;
    const result = await cli.run(
      [
        'login',
        '--authress',
        '--authress-url',
        cli.server.authressUrl,
        '--access-key-stdin',
        '--profile',
        'member',
      ],
      { input: `${client.accessKey}\n` },
    );
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const config = (await cli.readConfig()) as { profiles: Record<string, Record<string, string>> };
    expect(config.profiles['member']?.['authress.url']).toBe(cli.server.authressUrl);
    expect(config.profiles['member']?.['authress.access_key']).toBe(client.accessKey);

    const bad = await cli.run(
      ['login', '--authress', '--authress-url', cli.server.authressUrl, '--access-key-stdin'],
      { input: 'not-an-access-key\n' },
    );
    expect(bad.code).toBe(4);
    expect(bad.stderr).not.toContain('not-an-access-key');

    // Well formed, but for a service client this account does not know: refused, not saved.
    const stranger = generateAccessKey({ clientId: 'sc_stranger', accountId: 'acc-mock' });
    const unknown = await cli.run(
      [
        'login',
        '--authress',
        '--authress-url',
        cli.server.authressUrl,
        '--access-key-stdin',
        '--profile',
        'stranger',
      ],
      { input: `${stranger.accessKey}\n` },
    );
    expect(unknown.code).toBe(4);
    expect(unknown.stderr).toMatch(/401/);
    expect(unknown.stderr).not.toContain(stranger.accessKey.split('.')[3]!);
    const after = (await cli.readConfig()) as { profiles: Record<string, unknown> };
    expect(after.profiles['stranger']).toBeUndefined();
  });

  it('login --authress traces its check with --debug, and a bad URL is a usage error', async () => {
    const client = cli.server.identities.serviceClients[0]!;
    const traced = await cli.run(
      [
        'login',
        '--authress',
        '--authress-url',
        cli.server.authressUrl,
        '--access-key-stdin',
        '--profile',
        'traced',
        '--debug',
      ],
      { input: `${client.accessKey}\n` },
    );
    expect(traced.code, traced.stderr).toBe(0);
    expect(traced.stderr).toContain('debug: → GET');
    expect(traced.stderr).toMatch(/debug: ← 200 GET \S+\/v1\/groups\?limit=1/);
    expect(traced.stderr).not.toContain(client.accessKey!.split('.')[3]!);

    const ftp = await cli.run(
      ['login', '--authress', '--authress-url', 'ftp://a.example', '--access-key-stdin'],
      { input: `${client.accessKey}\n` },
    );
    expect(ftp.code).toBe(2);
    expect(ftp.stderr).toContain('error: The Authress URL must use http or https, not ftp:');
  });

  it('logout removes the credentials but keeps the host', async () => {
    const result = await cli.run(['logout', '--profile', 'member']);
    expect(result.code).toBe(0);
    const config = (await cli.readConfig()) as { profiles: Record<string, unknown> };
    expect(config.profiles['member']).toEqual({
      'tiledb.host': cli.server.url,
      'authress.url': cli.server.authressUrl,
    });
    const who = await cli.run(['whoami', '--profile', 'member']);
    expect(who.code).toBe(4);
  });

  it('logout warns when the environment still holds a token', async () => {
    const result = await cli.run(['logout', '--profile', 'member'], {
      env: { TILEDB_REST_TOKEN: 'demo-api-key' },
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('TILEDB_REST_TOKEN still set');
  });

  it('on a terminal, login asks for the host and the key, and never echoes the key', async () => {
    const child = spawn(
      'script',
      ['-qec', `'${process.execPath}' '${BIN}' login --profile tty`, '/dev/null'],
      {
        env: { PATH: process.env['PATH'] ?? '', HOME: cli.home, TERM: 'xterm', NO_COLOR: '1' },
      },
    );
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    let output = '';
    const waiters: Array<() => void> = [];
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      for (const check of waiters.splice(0)) check();
    });
    const prompt = (text: string) =>
      new Promise<void>((resolve) => {
        const check = () => (output.includes(text) ? resolve() : waiters.push(check));
        check();
      });
    await prompt('TileDB host [');
    child.stdin.write(`${cli.server.url}\n`);
    await prompt('API key');
    child.stdin.write('demo-member-key\n');
    expect(await closed).toBe(0);
    child.stdin.end();
    expect(output).toContain('Logged in to');
    expect(output).toContain('as demo-member (profile tty)');
    expect(output).not.toContain('demo-member-key');
    const config = (await cli.readConfig()) as { profiles: Record<string, unknown> };
    expect(config.profiles['tty']).toEqual({
      'tiledb.host': cli.server.url,
      'tiledb.api_key': 'demo-member-key',
    });
  });
});

describe('User-Agent', () => {
  it('is the CLI product token, then the transport and the runtime once each', async () => {
    // A pass-through proxy in front of the mock server records the headers as sent on the wire.
    const seenHeaders: IncomingHttpHeaders[] = [];
    const proxy = createServer(async (req, res) => {
      seenHeaders.push(req.headers);
      const upstream = await fetch(`${cli.server.url}${req.url}`, {
        method: req.method ?? 'GET',
        headers: req.headers as Record<string, string>,
      });
      res.writeHead(upstream.status, { 'content-type': 'application/json' });
      res.end(await upstream.text());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = proxy.address() as { port: number };
      const result = await cli.run(['whoami', '--host', `http://127.0.0.1:${port}`], {
        env: { TILEDB_REST_TOKEN: 'demo-api-key' },
      });
      expect(result.code, result.stderr).toBe(0);
      const userAgent = seenHeaders[0]?.['user-agent'] ?? '';
      expect(userAgent).toMatch(/^iamkit-cli\/\S+ iamkit-transport\/\S+ node\/\S+$/);
      expect(userAgent.match(/node\//g)).toHaveLength(1);
    } finally {
      await new Promise((resolve) => proxy.close(resolve));
    }
  });
});

describe('profiles chosen by name', () => {
  // A home of its own: these tests save profiles the login tests above do not expect.
  let named: CliHarness;
  beforeAll(async () => {
    named = await startCli();
  });
  afterAll(() => named.close());

  /** API requests the server has seen (its own admin routes left out). */
  async function requestCount(): Promise<number> {
    const log = (await (await fetch(`${named.server.url}/__admin/requests`)).json()) as {
      requests: Array<{ path: string }>;
    };
    return log.requests.filter((request) => !request.path.startsWith('/__admin')).length;
  }

  it('whoami without credentials exits 4 with a login hint', async () => {
    // A saved profile that holds no TileDB credentials.
    const set = await named.run([
      'config',
      'set',
      'authress.url',
      'http://127.0.0.1:9',
      '--profile',
      'nobody',
    ]);
    expect(set.code).toBe(0);
    const result = await named.run(['whoami', '--profile', 'nobody']);
    expect(result.code).toBe(4);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('error: no TileDB credentials for profile "nobody"');
    expect(result.stderr).toContain('iamkit login');
  });

  it("a profile named by flag or env that does not exist exits 4; the environment's key is not used", async () => {
    const before = await requestCount();
    for (const [args, env, source] of [
      [['whoami', '--profile', 'wrok'], {}, 'flag --profile'],
      [['groups', 'get', 'demo', 'reports'], { IAMKIT_PROFILE: 'wrok' }, 'env IAMKIT_PROFILE'],
      [['authress', 'groups', 'list', '--profile', 'wrok'], {}, 'flag --profile'],
    ] as const) {
      const result = await named.run(args, {
        env: { TILEDB_REST_TOKEN: 'demo-api-key', TILEDB_REST_HOST: named.server.url, ...env },
      });
      expect({ args, code: result.code }).toEqual({ args, code: 4 });
      expect(result.stderr).toContain(`error: profile "wrok" (${source}) does not exist in`);
      expect(result.stderr).toMatch(
        /hint: run `iamkit login --profile wrok` to create it \(saved profiles: .*nobody/,
      );
    }
    // Nothing reached the server: the key in the environment was never sent.
    expect(await requestCount()).toBe(before);
  });

  it('config unset on a profile that does not exist exits 4 and creates nothing', async () => {
    const result = await named.run(['config', 'unset', 'tiledb.host', '--profile', 'typo']);
    expect(result.code).toBe(4);
    expect(result.stderr).toContain('error: profile "typo" (flag --profile) does not exist');
    const config = (await named.readConfig()) as { profiles: Record<string, unknown> };
    expect(Object.keys(config.profiles)).not.toContain('typo');
    const profiles = await named.run(['config', 'profiles']);
    expect(profiles.stdout).not.toContain('typo');
  });

  it('profiles named like Object members (__proto__, toString) are profiles like any other', async () => {
    const url = named.server.url;
    const login = await named.run([
      'login',
      '--host',
      url,
      '--api-key',
      'demo-api-key',
      '--profile',
      '__proto__',
    ]);
    expect(login.code, login.stderr).toBe(0);
    const config = (await named.readConfig()) as { profiles: Record<string, unknown> };
    expect(Object.keys(config.profiles)).toContain('__proto__');
    const who = await named.run(['whoami', '--json', '--profile', '__proto__']);
    expect(who.code, who.stderr).toBe(0);
    expect(JSON.parse(who.stdout).username).toBe('demo');
    // An inherited name is not a saved profile.
    const missing = await named.run(['whoami', '--profile', 'toString']);
    expect(missing.code).toBe(4);
    expect(missing.stderr).toContain('error: profile "toString" (flag --profile) does not exist');
  });
});
