import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliHarness, type RunOptions, seedWith, startCli } from './helpers.js';

const CANARY_KEY = 'canary-key-7f3a9c2e51';
const CANARY_PASSWORD = 'canary-pass-b81d4e6f09';
const CANARY_WRONG = 'canary-wrong-0c5e7a13d2';
// Malformed Authress access keys: all of it may be key material, so no part may be shown.
const CANARY_DOTLESS = 'MC4CAQAwBQYDK2VwBCIEIP0P83HzcanaryDotless40RJK';
const CANARY_FEW_PARTS = 'canary-parts-5e9b1c7a30';
const CANARIES = [CANARY_KEY, CANARY_PASSWORD, CANARY_WRONG, CANARY_DOTLESS, CANARY_FEW_PARTS];

let cli: CliHarness;
let accessKey: string;
let accessKeySecret: string;
const seen: Array<{ args: string; stdout: string; stderr: string }> = [];

async function run(args: string[], options: RunOptions = {}) {
  const result = await cli.run(args, options);
  seen.push({ args: args.join(' '), stdout: result.stdout, stderr: result.stderr });
  return result;
}

beforeAll(async () => {
  cli = await startCli({
    seed: seedWith([
      {
        username: 'canary',
        email: 'canary@example.com',
        password: CANARY_PASSWORD,
        apiKeys: [CANARY_KEY],
      },
    ]),
  });
  accessKey = cli.server.identities.serviceClients[0]!.accessKey!;
  accessKeySecret = accessKey.split('.')[3]!;
});
afterAll(async () => {
  await cli.close();
});

describe('secret canary', () => {
  it('no secret reaches stdout or stderr of any command', async () => {
    const url = cli.server.url;
    expect((await run(['login', '--host', url, '--api-key', CANARY_KEY, '--debug'])).code).toBe(0);
    await run(['whoami']);
    await run(['whoami', '--debug']);
    await run(['whoami', '--json', '--debug']);
    await run(['config', 'list']);
    await run(['config', 'list', '--json']);
    await run(['config', 'list', '--no-color'], { env: { IAMKIT_FORCE_TTY: '1' } });
    await run(['config', 'get', 'tiledb.api_key']);
    await run(['config', 'get', 'tiledb.api_key', '--json']);
    await run(['config', 'set', 'tiledb.api_key', '-', '--debug'], { input: CANARY_KEY });
    await run(['config', 'profiles']);
    await run(
      [
        'login',
        '--host',
        url,
        '--username',
        'canary',
        '--password-stdin',
        '--profile',
        'pw',
        '--debug',
      ],
      { input: CANARY_PASSWORD },
    );
    await run(['whoami', '--profile', 'pw', '--debug']);
    await run(['config', 'list', '--profile', 'pw']);
    await run(['config', 'get', 'tiledb.password', '--profile', 'pw']);
    // rejected credentials, with tracing on
    const wrong = await run([
      'login',
      '--host',
      url,
      '--api-key',
      CANARY_WRONG,
      '--profile',
      'x',
      '--debug',
    ]);
    expect(wrong.code).toBe(4);
    await run(['whoami', '--debug'], { env: { TILEDB_REST_TOKEN: CANARY_WRONG } });
    await run(['whoami', '--debug'], {
      env: { TILEDB_REST_USERNAME: 'canary', TILEDB_REST_PASSWORD: CANARY_WRONG },
    });
    await run(['whoami', '--debug', '--host', 'http://127.0.0.1:9'], {
      env: { TILEDB_REST_TOKEN: CANARY_KEY },
    });
    // half a credential pair in the environment
    await run(['whoami'], { env: { TILEDB_REST_PASSWORD: CANARY_PASSWORD } });
    // cloud.json with secrets
    await cli.writeCloudJson({ host: url, username: 'canary', password: CANARY_PASSWORD });
    // A saved profile without TileDB settings, so its credentials come from cloud.json.
    await run(['config', 'set', 'authress.url', 'http://127.0.0.1:9', '--profile', 'fresh']);
    await run(['config', 'list', '--profile', 'fresh']);
    await run(['whoami', '--profile', 'fresh', '--debug']);
    // Authress access keys
    await run(
      [
        'login',
        '--authress',
        '--authress-url',
        cli.server.authressUrl,
        '--access-key-stdin',
        '--debug',
      ],
      {
        input: accessKey,
      },
    );
    await run(['config', 'list']);
    await run(['whoami']);
    await run(['config', 'list'], { env: { AUTHRESS_ACCESS_KEY: accessKey } });
    await run(
      ['login', '--authress', '--authress-url', cli.server.authressUrl, '--access-key-stdin'],
      {
        input: `a.b.c.${CANARY_WRONG}`,
      },
    );
    await run(['config', 'set', 'authress.access_key', `${CANARY_WRONG}`]);
    // domain commands, with tracing on
    const asCanary = { env: { TILEDB_REST_TOKEN: CANARY_KEY, TILEDB_REST_HOST: url } };
    expect((await run(['groups', 'create', 'canary', 'secrets-g', '--debug'], asCanary)).code).toBe(
      0,
    );
    await run(['groups', 'get', 'tiledb://canary/secrets-g', '--debug'], asCanary);
    await run(['groups', 'exists', 'canary', 'nope', '--debug'], asCanary);
    await run(['groups', 'metadata', 'set', 'canary', 'secrets-g', 'a=1', '--debug'], asCanary);
    await run(['groups', 'get', 'canary', 'secrets-g', '--debug'], {
      env: { TILEDB_REST_TOKEN: CANARY_WRONG, TILEDB_REST_HOST: url },
    });
    const asClient = {
      env: { AUTHRESS_URL: cli.server.authressUrl, AUTHRESS_ACCESS_KEY: accessKey },
    };
    expect(
      (await run(['authress', 'groups', 'create', '--name', 'Canaries', '--debug'], asClient)).code,
    ).toBe(0);
    await run(['authress', 'groups', 'list', '--all', '--debug'], asClient);
    await run(['authress', 'groups', 'list', '--json', '--debug'], asClient);
    await run(['authress', 'groups', 'get', 'grp_missing', '--debug'], asClient);
    await run(['authress', 'groups', 'list', '--debug'], {
      env: {
        AUTHRESS_URL: cli.server.authressUrl,
        AUTHRESS_ACCESS_KEY: `sc_demo.k.acc.${CANARY_WRONG}`,
      },
    });
    const malformedTraces: string[] = [];
    for (const malformed of [CANARY_DOTLESS, `${CANARY_FEW_PARTS}.k.acc`]) {
      const env = { AUTHRESS_URL: cli.server.authressUrl, AUTHRESS_ACCESS_KEY: malformed };
      const listed = await run(['authress', 'groups', 'list', '--debug'], { env });
      expect(listed.code).toBe(4);
      malformedTraces.push(listed.stderr);
      await run(['authress', 'groups', 'get', 'grp_x', '--debug', '--json'], { env });
      await run(['whoami', '--debug'], { env: { ...env, ...asCanary.env } });
      await run(['config', 'list', '--debug'], { env });
    }
    // A password inside a host URL (refused before any request, but traced and listed first),
    // written with a scheme or as a bare host.
    const withPassword = (base: string) => base.replace('://', `://u:${CANARY_PASSWORD}@`);
    const bare = (base: string) => `u:${CANARY_PASSWORD}@${base.replace(/^https?:\/\//, '')}`;
    for (const host of [withPassword(url), bare(url)]) {
      const traced = await run(
        ['groups', 'get', 'canary', 'secrets-g', '--host', host, '--debug'],
        {
          env: { TILEDB_REST_TOKEN: CANARY_KEY },
        },
      );
      expect(traced.stderr).toContain('debug: profile');
      expect(traced.stderr).toContain('REDACTED');
    }
    for (const authressUrl of [
      withPassword(cli.server.authressUrl),
      bare(cli.server.authressUrl),
    ]) {
      const env = { env: { AUTHRESS_URL: authressUrl, AUTHRESS_ACCESS_KEY: accessKey } };
      const traced = await run(['authress', 'groups', 'list', '--debug'], env);
      expect(traced.stderr).toContain('debug: profile');
      const listed = await run(['config', 'list'], env);
      expect(listed.code, listed.stderr).toBe(0);
      expect(listed.stdout).toContain('REDACTED');
      await run(['config', 'list', '--json'], env);
      const got = await run(['config', 'get', 'authress.url', '--json'], env);
      expect(got.code, got.stderr).toBe(0);
      expect(got.stdout).toContain('REDACTED');
    }
    const badUrl = await run(['config', 'set', 'authress.url', withPassword('https://a.example')]);
    expect(badUrl.code).toBe(2);
    expect(badUrl.stderr).toContain('The Authress URL must not contain credentials');
    await run(['logout', '--debug']);
    await run(['--help']);
    await run(['completion', 'bash']);

    const secrets = [...CANARIES, accessKeySecret];
    for (const { args, stdout, stderr } of seen) {
      for (const secret of secrets) {
        expect(stdout.includes(secret), `stdout of "${args}"`).toBe(false);
        expect(stderr.includes(secret), `stderr of "${args}"`).toBe(false);
      }
    }
    expect(seen.length).toBeGreaterThan(25);
    for (const trace of malformedTraces) expect(trace).toContain('access key malformed');
  });

  it('config get --show-secret is the one way to print a secret', async () => {
    const result = await cli.run([
      'config',
      'get',
      'tiledb.password',
      '--profile',
      'pw',
      '--show-secret',
    ]);
    expect(result).toMatchObject({ code: 0, stdout: `${CANARY_PASSWORD}\n` });
  });
});
