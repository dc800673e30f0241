import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type CliHarness, startCli } from './helpers.js';

let cli: CliHarness;

async function fault(rule: Record<string, unknown>) {
  const response = await fetch(`${cli.server.url}/__admin/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(rule),
  });
  expect(response.status).toBe(201);
}

beforeAll(async () => {
  cli = await startCli();
  await cli.login();
});
afterEach(async () => {
  await fetch(`${cli.server.url}/__admin/faults`, { method: 'DELETE' });
});
afterAll(async () => {
  await cli.close();
});

describe('exit codes', () => {
  it('0: success', async () => {
    expect((await cli.run(['whoami'])).code).toBe(0);
  });

  it('1: an API error that is not auth, not-found or server (409)', async () => {
    await fault({ method: 'GET', path: '/v1/user', status: 409 });
    const result = await cli.run(['whoami']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.split('\n')[0]).toMatch(/^error: .*409/);
  });

  it('1: other failures (a setting that is not set)', async () => {
    expect((await cli.run(['config', 'get', 'authress.url'])).code).toBe(1);
  });

  it('2: usage errors', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['nope'], /unknown command "nope" for "iamkit"/],
      [['config', 'nope'], /unknown command "nope" for "iamkit config"/],
      [['whoami', '--bogus'], /unknown flag --bogus/],
      [['--bogus'], /unknown flag --bogus/],
      [['groups', '--bogus'], /unknown flag --bogus/],
      [['authress', 'groups', '--bogus=1'], /unknown flag --bogus/],
      [['--bogus', 'whoami'], /unknown flag --bogus/],
      [['groups', '--bogus', 'get', 'demo', 'g'], /unknown flag --bogus/],
      [['whoami', 'extra'], /unexpected argument "extra"/],
      [['config', 'get'], /Missing required positional argument: KEY/],
      [['config', 'set', 'tiledb.host'], /Missing required positional argument: VALUE/],
      [['completion', 'powershell'], /unsupported shell "powershell"/],
      [['whoami', '--profile'], /flag --profile needs a value/],
      [['whoami', '--json=false'], /^error: flag --json takes no value/],
      [['--debug=1', 'whoami'], /^error: flag --debug takes no value/],
      [['login', '--authress=false'], /^error: flag --authress takes no value/],
      [
        ['groups', 'get', 'tiledb:/demo/x'],
        /^error: expected tiledb:\/\/namespace\/name, got "tiledb:\/demo\/x"/,
      ],
      [['groups', 'get', 'TileDB:demo/x'], /^error: expected tiledb:\/\/namespace\/name/],
    ];
    for (const [args, message] of cases) {
      const result = await cli.run(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr, args.join(' ')).toMatch(message);
      expect(result.stderr, args.join(' ')).toMatch(/hint: run `iamkit.*--help` for usage/);
      expect(result.stdout).toBe('');
    }
  });

  it('2: an unknown command suggests the closest one', async () => {
    const result = await cli.run(['confg', 'list']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('hint: did you mean `iamkit config`?');
    const far = await cli.run(['zzzzzz']);
    expect(far.stderr).not.toContain('did you mean');
  });

  it('3: not found (a real 404 from the server)', async () => {
    const result = await cli.run(['whoami', '--host', `${cli.server.url}/no-such-prefix`]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^error: .*404/);
  });

  it('4: not logged in, 401, 403', async () => {
    await cli.run(['config', 'set', 'authress.url', 'http://127.0.0.1:9', '--profile', 'empty']);
    const none = await cli.run(['whoami', '--profile', 'empty']);
    expect(none.code).toBe(4);
    expect(none.stderr).toContain('hint: run `iamkit login`');
    const rejected = await cli.run(['whoami'], { env: { TILEDB_REST_TOKEN: 'wrong-key-123' } });
    expect(rejected.code).toBe(4);
    expect(rejected.stderr).toMatch(/^error: .*401/);
    expect(rejected.stderr).toContain('hint:');
    await fault({ method: 'GET', path: '/v1/user', status: 403 });
    expect((await cli.run(['whoami'])).code).toBe(4);
  });

  it('5: server failure after retries, with the request id', async () => {
    await fault({ method: 'GET', path: '/v1/user', status: 500 });
    const result = await cli.run(['whoami']);
    expect(result.code).toBe(5);
    expect(result.stderr).toMatch(/^error: .*500/);
    expect(result.stderr).toMatch(/request id:? [0-9a-f-]{36}/);
    expect(
      result.stderr.match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g)?.length,
    ).toBe(1);
    expect(result.stderr).toContain('hint: the server failed');
    expect(result.stderr).not.toContain('    at '); // no stack without --debug
  });

  it('5: network failure (connection refused)', async () => {
    const result = await cli.run(['whoami', '--host', 'http://127.0.0.1:9']);
    expect(result.code).toBe(5);
    expect(result.stderr).toContain('check the host');
  });

  it('5: https to a plain-HTTP server: one error line and a hint naming http://', async () => {
    const bare = cli.server.url.replace(/^http:\/\//, ''); // https:// is added to a bare host
    const result = await cli.run(['login', '--host', bare, '--api-key', 'demo-api-key']);
    expect(result.code).toBe(5);
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines, result.stderr).toHaveLength(2);
    expect(lines[0]).toMatch(/^error: GET https:\/\/127\.0\.0\.1:\d+\/v1\/user failed: /);
    expect(lines[0]).toContain('ERR_SSL_WRONG_VERSION_NUMBER');
    expect(lines[1]).toBe(`hint: the server does not speak TLS; did you mean http://${bare}?`);
  });

  it('--debug adds the stack and traces each request with secrets masked', async () => {
    const result = await cli.run(['whoami', '--debug', '--host', `${cli.server.url}/missing`]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/debug: → GET http:\/\/127\.0\.0\.1:\d+\/missing\/v1\/user/);
    expect(result.stderr).toMatch(/debug: ← 404 GET/);
    expect(result.stderr).toContain('    at ');
    expect(result.stderr).not.toContain('demo-api-key');
  });

  it('--debug traces the request body that was sent', async () => {
    await fault({ method: 'POST', path: '/v2/groups/demo', status: 400 });
    const result = await cli.run([
      'groups',
      'create',
      'demo',
      'debug-body',
      '--description',
      'traced "here"',
      '--debug',
    ]);
    expect(result.code).toBe(1);
    const line = result.stderr.split('\n').find((l) => l.startsWith('debug: → body '));
    expect(line, result.stderr).toBeDefined();
    const sent = JSON.parse((line as string).slice('debug: → body '.length));
    expect(sent).toMatchObject({ group_details: { description: 'traced "here"' } });
    // No body, no line (GET).
    const get = await cli.run(['whoami', '--debug']);
    expect(get.stderr).not.toContain('debug: → body');
  });
});
