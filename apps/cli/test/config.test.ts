import { readdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliHarness, startCli } from './helpers.js';

let cli: CliHarness;
const DEAD_HOST = 'http://127.0.0.1:9';

interface Row {
  key: string;
  value: string | null;
  source: string;
}
async function configList(args: string[] = [], env: Record<string, string> = {}) {
  const result = await cli.run(['config', 'list', '--json', ...args], { env });
  expect(result.code, result.stderr).toBe(0);
  return Object.fromEntries((JSON.parse(result.stdout) as Row[]).map((row) => [row.key, row]));
}
async function whoami(args: string[] = [], env: Record<string, string> = {}) {
  const result = await cli.run(['whoami', '--json', ...args], { env });
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout).username as string;
}

beforeAll(async () => {
  cli = await startCli();
});
afterAll(async () => {
  await cli.close();
});

describe('precedence: flags > env > profile > ~/.tiledb/cloud.json > defaults', () => {
  it('defaults only', async () => {
    const rows = await configList();
    expect(rows['tiledb.host']).toEqual({
      key: 'tiledb.host',
      value: 'https://api.tiledb.com',
      source: 'default',
    });
    expect(rows['tiledb.api_key']).toEqual({ key: 'tiledb.api_key', value: null, source: 'unset' });
    expect(rows['profile']).toMatchObject({ value: 'default', source: 'default' });
    expect(rows['config_file']).toEqual({
      key: 'config_file',
      value: cli.configPath,
      source: 'default',
    });
  });

  it('~/.tiledb/cloud.json (as the TileDB Python client writes it) just works', async () => {
    await cli.writeCloudJson({
      api_key: { 'X-TILEDB-REST-API-KEY': 'demo-member-key' },
      host: cli.server.url,
      username: null,
      password: null,
      verify_ssl: true,
    });
    expect(await whoami()).toBe('demo-member');
    const rows = await configList();
    expect(rows['tiledb.host']).toMatchObject({
      value: cli.server.url,
      source: '~/.tiledb/cloud.json',
    });
    expect(rows['tiledb.api_key']?.source).toBe('~/.tiledb/cloud.json');
    expect(rows['tiledb.auth']).toMatchObject({ value: 'api key', source: '~/.tiledb/cloud.json' });
  });

  it('the profile beats cloud.json', async () => {
    await cli.login('demo-api-key');
    expect(await whoami()).toBe('demo');
    const rows = await configList();
    expect(rows['tiledb.api_key']?.source).toBe('profile default');
    expect(rows['tiledb.host']?.source).toBe('profile default');
  });

  it('the environment beats the profile', async () => {
    const env = { TILEDB_REST_TOKEN: 'demo-member-key' };
    expect(await whoami([], env)).toBe('demo-member');
    expect((await configList([], env))['tiledb.api_key']?.source).toBe('env TILEDB_REST_TOKEN');
    // Username/password in the environment also beat a profile's API key, as a set.
    const basic = {
      TILEDB_REST_USERNAME: 'demo-member',
      TILEDB_REST_PASSWORD: 'demo-member-password',
    };
    expect(await whoami([], basic)).toBe('demo-member');
    expect((await configList([], basic))['tiledb.auth']).toMatchObject({
      value: 'username and password',
      source: 'env TILEDB_REST_USERNAME, env TILEDB_REST_PASSWORD',
    });
  });

  it('the host: flag > env > profile > cloud.json', async () => {
    // profile host (good) beats cloud.json host (dead)
    await cli.writeCloudJson({
      api_key: { 'X-TILEDB-REST-API-KEY': 'demo-member-key' },
      host: DEAD_HOST,
    });
    expect(await whoami()).toBe('demo');
    // env host beats the profile: a dead env host makes the call fail with exit 5
    const dead = await cli.run(['whoami'], { env: { TILEDB_REST_HOST: DEAD_HOST } });
    expect(dead.code).toBe(5);
    expect((await configList([], { TILEDB_REST_HOST: DEAD_HOST }))['tiledb.host']).toMatchObject({
      value: DEAD_HOST,
      source: 'env TILEDB_REST_HOST',
    });
    // the flag beats the env
    expect(await whoami(['--host', cli.server.url], { TILEDB_REST_HOST: DEAD_HOST })).toBe('demo');
    expect(
      (await configList(['--host', cli.server.url], { TILEDB_REST_HOST: DEAD_HOST }))[
        'tiledb.host'
      ],
    ).toMatchObject({ value: cli.server.url, source: 'flag --host' });
  });

  it('--profile beats IAMKIT_PROFILE', async () => {
    await cli.login('demo-member-key', 'member');
    expect(await whoami([], { IAMKIT_PROFILE: 'member' })).toBe('demo-member');
    expect(await whoami(['--profile', 'default'], { IAMKIT_PROFILE: 'member' })).toBe('demo');
    const rows = await configList(['--profile', 'default'], { IAMKIT_PROFILE: 'member' });
    expect(rows['profile']).toMatchObject({ value: 'default', source: 'flag --profile' });
  });

  it('Authress settings: flag > env > profile', async () => {
    await cli.run(['config', 'set', 'authress.url', 'https://profile.example.com']);
    let rows = await configList();
    expect(rows['authress.url']).toMatchObject({
      value: 'https://profile.example.com',
      source: 'profile default',
    });
    rows = await configList([], { AUTHRESS_URL: 'https://env.example.com' });
    expect(rows['authress.url']).toMatchObject({
      value: 'https://env.example.com',
      source: 'env AUTHRESS_URL',
    });
    rows = await configList(['--authress-url', 'https://flag.example.com'], {
      AUTHRESS_URL: 'https://env.example.com',
    });
    expect(rows['authress.url']).toMatchObject({
      value: 'https://flag.example.com',
      source: 'flag --authress-url',
    });
  });
});

describe('config list / get / set / unset', () => {
  it('list on a terminal shows a table with masked secrets and sources', async () => {
    const result = await cli.run(['config', 'list', '--no-color'], {
      env: { IAMKIT_FORCE_TTY: '1' },
    });
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toMatch(/^KEY +VALUE +SOURCE$/);
    expect(result.stdout).toMatch(/tiledb\.api_key +\*{8} +profile default/);
    expect(result.stdout).not.toContain('demo-api-key');
  });

  it('list piped is TSV without a header', async () => {
    const result = await cli.run(['config', 'list']);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toBe('profile\tdefault\tdefault');
    expect(lines).toContain(`tiledb.host\t${cli.server.url}\tprofile default`);
    expect(lines.every((line) => line.split('\t').length === 3)).toBe(true);
  });

  it('get masks secrets unless --show-secret', async () => {
    const masked = await cli.run(['config', 'get', 'tiledb.api_key']);
    expect(masked).toMatchObject({ code: 0, stdout: '********\n' });
    const shown = await cli.run(['config', 'get', 'tiledb.api_key', '--show-secret']);
    expect(shown).toMatchObject({ code: 0, stdout: 'demo-api-key\n' });
    const host = await cli.run(['config', 'get', 'tiledb.host', '--json']);
    expect(JSON.parse(host.stdout)).toEqual({
      key: 'tiledb.host',
      value: cli.server.url,
      source: 'profile default',
    });
  });

  it('masking shows no character of a password or a short secret, the last 4 of a long key', async () => {
    const env = {
      TILEDB_REST_USERNAME: 'someone',
      TILEDB_REST_PASSWORD: 'correct-horse-battery-staple', // long, but a password
      AUTHRESS_ACCESS_KEY: 'sc_x.k.acc.MC4CAQAwBQYDK2VwBCIEIlongsecretQ9zK',
    };
    const password = await cli.run(['config', 'get', 'tiledb.password'], { env });
    expect(password).toMatchObject({ code: 0, stdout: '********\n' });
    const accessKey = await cli.run(['config', 'get', 'authress.access_key'], { env });
    expect(accessKey).toMatchObject({ code: 0, stdout: '********Q9zK\n' });
    const shortKey = await cli.run(['config', 'get', 'tiledb.api_key'], {
      env: { TILEDB_REST_TOKEN: 'short-key-1234' },
    });
    expect(shortKey).toMatchObject({ code: 0, stdout: '********\n' });
    const longKey = await cli.run(['config', 'get', 'tiledb.api_key', '--json'], {
      env: { TILEDB_REST_TOKEN: 'a-long-api-key-0123456789abcdef' },
    });
    expect(JSON.parse(longKey.stdout)).toMatchObject({ value: '********cdef' });
    const list = await configList([], env);
    expect(list['tiledb.password']?.value).toBe('********');
    expect(list['authress.access_key']?.value).toBe('********Q9zK');
  });

  it('get of an unset key exits 1; an unknown key exits 2', async () => {
    const unset = await cli.run(['config', 'get', 'tiledb.password']);
    expect(unset.code).toBe(1);
    expect(unset.stderr).toContain('tiledb.password is not set');
    const unknown = await cli.run(['config', 'get', 'tiledb.hots']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown setting "tiledb.hots"');
    expect(unknown.stderr).toContain('tiledb.host');
  });

  it('set validates, normalizes the host, reads secrets from stdin, keeps 0600', async () => {
    const host = await cli.run([
      'config',
      'set',
      'tiledb.host',
      'tiledb.example.com/',
      '--profile',
      'p2',
    ]);
    expect(host.code).toBe(0);
    const versioned = await cli.run([
      'config',
      'set',
      'tiledb.host',
      'https://x.example.com/v1',
      '--profile',
      'p2',
    ]);
    expect(versioned.code).toBe(2);
    expect(versioned.stderr).toContain('/v1');
    const secret = await cli.run(['config', 'set', 'tiledb.api_key', '-', '--profile', 'p2'], {
      input: 'key-from-stdin\n',
    });
    expect(secret.code).toBe(0);
    const badKey = await cli.run([
      'config',
      'set',
      'authress.access_key',
      'garbage',
      '--profile',
      'p2',
    ]);
    expect(badKey.code).toBe(2);
    const config = (await cli.readConfig()) as { profiles: Record<string, unknown> };
    expect(config.profiles['p2']).toEqual({
      'tiledb.host': 'https://tiledb.example.com',
      'tiledb.api_key': 'key-from-stdin',
    });
    expect((await stat(cli.configPath)).mode & 0o777).toBe(0o600);
    // atomic write: no temp files left behind
    expect(await readdir(dirname(cli.configPath))).toEqual(['config.json']);
    const unset = await cli.run(['config', 'unset', 'tiledb.api_key', '--profile', 'p2']);
    expect(unset.code).toBe(0);
    expect(
      ((await cli.readConfig()) as { profiles: Record<string, unknown> }).profiles['p2'],
    ).toEqual({
      'tiledb.host': 'https://tiledb.example.com',
    });
  });

  it('set: a value that cannot be used is a usage error (exit 2) with the set --help hint', async () => {
    const cases: Array<[string, string, RegExp]> = [
      [
        'tiledb.host',
        'http://h/v1',
        /^error: invalid tiledb.host: The TileDB host must not end in \/v1/,
      ],
      [
        'tiledb.host',
        'not a url',
        /^error: invalid tiledb.host: The TileDB host is not a valid URL/,
      ],
      ['tiledb.host', 'ftp://h', /^error: invalid tiledb.host: .*http or https/],
      [
        'authress.url',
        'ftp://acme.example',
        /^error: invalid authress.url: The Authress URL must use http or https, not ftp:/,
      ],
      ['authress.url', 'https://a.example/?x=1', /The Authress URL must not have a query string/],
      ['authress.access_key', 'notakey', /^error: invalid authress.access_key: /],
    ];
    for (const [key, value, message] of cases) {
      const result = await cli.run(['config', 'set', key, value, '--profile', 'bad-values']);
      const what = `${key} ${value}`;
      expect(result.code, what).toBe(2);
      const errorLine = result.stderr.split('\n').find((line) => line.startsWith('error:'));
      expect(errorLine, what).toMatch(message);
      expect(result.stderr, what).toContain('hint: run `iamkit config set --help` for usage');
      expect(result.stderr, what).not.toContain('see `iamkit config list`');
    }
    expect(
      ((await cli.readConfig()) as { profiles: Record<string, unknown> }).profiles['bad-values'],
    ).toBeUndefined();
  });

  it('set authress.url stores it as the client reads it: https for a bare host, no trailing /', async () => {
    await cli.run(['config', 'set', 'authress.url', 'Acme.API.authress.io/', '--profile', 'bare']);
    const config = (await cli.readConfig()) as { profiles: Record<string, Record<string, string>> };
    expect(config.profiles['bare']?.['authress.url']).toBe('https://acme.api.authress.io');
  });

  it('unset of a setting the profile does not hold changes nothing', async () => {
    const xdg = join(cli.home, 'xdg-unset');
    const result = await cli.run(['config', 'unset', 'tiledb.host'], {
      env: { XDG_CONFIG_HOME: xdg, IAMKIT_FORCE_TTY: '1', NO_COLOR: '1' },
    });
    expect(result).toMatchObject({
      code: 0,
      stderr: 'tiledb.host is not set in profile default; nothing to do.\n',
    });
    await expect(stat(join(xdg, 'iamkit', 'config.json'))).rejects.toThrow(/ENOENT/);
  });

  it('a host given as a flag that cannot be used is a usage error; from the environment, exit 1', async () => {
    const env = { TILEDB_REST_TOKEN: 'demo-api-key' };
    const flag = await cli.run(['whoami', '--host', 'ftp://h.example'], { env });
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain(
      'error: --host: The TileDB host must use http or https, not ftp:',
    );
    const fromEnv = await cli.run(['whoami'], {
      env: { ...env, TILEDB_REST_HOST: 'ftp://h.example' },
    });
    expect(fromEnv.code).toBe(1);
    expect(fromEnv.stderr).toContain(
      'error: TILEDB_REST_HOST: The TileDB host must use http or https',
    );
    // A bad TileDB variable blocks only TileDB commands: config list shows it, Authress runs.
    const badEnv = { TILEDB_REST_HOST: 'ftp://h.example' };
    const listed = await cli.run(['config', 'list'], { env: badEnv });
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/tiledb\.host\tftp:\/\/h\.example\tenv TILEDB_REST_HOST/);
    expect(listed.stderr).toContain('(TileDB commands refuse to run until it is fixed)');
    const authressOk = await cli.run(['authress', 'groups', 'list'], {
      env: {
        ...badEnv,
        AUTHRESS_URL: cli.server.authressUrl,
        AUTHRESS_ACCESS_KEY: cli.server.identities.serviceClients[0]!.accessKey!,
      },
    });
    expect(authressOk.code, authressOk.stderr).toBe(0);
    const authress = await cli.run(
      ['authress', 'groups', 'list', '--authress-url', 'https://a.example/?x=1'],
      { env: { AUTHRESS_ACCESS_KEY: cli.server.identities.serviceClients[0]!.accessKey! } },
    );
    expect(authress.code).toBe(2);
    expect(authress.stderr).toContain(
      'error: --authress-url: The Authress URL must not have a query',
    );
  });

  it('a config file that is a symlink is written through, and stays a link', async () => {
    const { mkdir, readFile, readlink, symlink, writeFile } = await import('node:fs/promises');
    const dotfiles = join(cli.home, 'dotfiles');
    await mkdir(dotfiles, { recursive: true });
    const target = join(dotfiles, 'iamkit.json');
    await writeFile(target, JSON.stringify({ version: 1, profiles: {} }));
    const link = join(cli.home, 'linked-config.json');
    await symlink(target, link);
    const result = await cli.run(['config', 'set', 'tiledb.host', 'https://linked.example'], {
      env: { IAMKIT_CONFIG: link },
    });
    expect(result.code, result.stderr).toBe(0);
    expect(await readlink(link)).toBe(target);
    const saved = JSON.parse(await readFile(target, 'utf8'));
    expect(saved.profiles.default['tiledb.host']).toBe('https://linked.example');
  });

  it('parallel writes from many processes lose no update', async () => {
    const names = Array.from({ length: 8 }, (_, i) => `parallel-${i}`);
    const results = await Promise.all(
      names.map((name) =>
        cli.run([
          'config',
          'set',
          'authress.url',
          `https://${name}.example.com`,
          '--profile',
          name,
        ]),
      ),
    );
    expect(results.map((r) => r.code)).toEqual(names.map(() => 0));
    const config = (await cli.readConfig()) as { profiles: Record<string, Record<string, string>> };
    for (const name of names) {
      expect(config.profiles[name]).toEqual({ 'authress.url': `https://${name}.example.com` });
    }
    expect(await readdir(dirname(cli.configPath))).toEqual(['config.json']);
  });

  it('a secret given on the command line works but warns', async () => {
    const result = await cli.run([
      'config',
      'set',
      'tiledb.password',
      'pw-on-argv',
      '--profile',
      'warned',
    ]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('warning: a secret on the command line');
    expect(result.stderr).not.toContain('pw-on-argv');
  });

  it('profiles lists every profile and marks the one in use', async () => {
    const result = await cli.run(['config', 'profiles', '--profile', 'member']);
    const lines = result.stdout.split('\n');
    expect(lines).toContain(`*\tmember\t${cli.server.url}\t`);
    expect(lines).toContain(`\tp2\thttps://tiledb.example.com\t`);
  });

  it('XDG_CONFIG_HOME moves the file; a broken file is a clear error', async () => {
    const xdg = join(cli.home, 'xdg');
    const result = await cli.run(['config', 'set', 'tiledb.host', 'https://a.example.com'], {
      env: { XDG_CONFIG_HOME: xdg },
    });
    expect(result.code).toBe(0);
    expect((await stat(join(xdg, 'iamkit', 'config.json'))).mode & 0o777).toBe(0o600);
    const rows = await configList([], { XDG_CONFIG_HOME: xdg });
    expect(rows['config_file']).toMatchObject({
      value: join(xdg, 'iamkit', 'config.json'),
      source: 'env XDG_CONFIG_HOME',
    });
    const { writeFile } = await import('node:fs/promises');
    await writeFile(join(xdg, 'iamkit', 'config.json'), '{ not json');
    const broken = await cli.run(['config', 'list'], { env: { XDG_CONFIG_HOME: xdg } });
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain('is not valid JSON');
    // The hint names a way out that works: config set would read the broken file too.
    expect(broken.stderr).toContain(
      'hint: fix it, or move it aside and run `iamkit login` to start a new one',
    );
  });
});
