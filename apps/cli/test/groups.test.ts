/** `iamkit groups ...`: every command through the built binary against the real mock server. */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type CliHarness, startCli } from './helpers.js';

// Each case runs the binary many times; on a busy two-core machine that takes seconds.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

let cli: CliHarness;

beforeAll(async () => {
  cli = await startCli();
});
beforeEach(async () => {
  await cli.server.reset();
  await cli.login('demo-api-key');
});
afterAll(async () => {
  await cli.close();
});

const ok = (args: string[]) => cli.ok(args);

async function json(args: string[]) {
  return JSON.parse(await ok([...args, '--json']));
}

/** The API's own answer, straight over HTTP: what `--json` must print exactly. */
async function api(path: string): Promise<unknown> {
  const response = await fetch(`${cli.server.url}${path}`, {
    method: 'POST',
    headers: { 'x-tiledb-rest-api-key': 'demo-api-key', 'content-type': 'application/json' },
    body: '{}',
  });
  expect(response.status).toBe(200);
  return response.json();
}

const entryKeys = (metadata: unknown) =>
  (metadata as { entries: { key: string }[] }).entries.map((entry) => entry.key);

describe('iamkit groups: the full story', () => {
  it('create, add members, set metadata, get, remove, deregister, exists', async () => {
    const created = await json([
      'groups',
      'create',
      'demo',
      'genomics',
      '--description',
      'All genomics arrays',
      '--tags',
      'bio,public-data',
    ]);
    expect(created).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: 'genomics',
      tiledb_uri: 'tiledb://demo/genomics',
    });

    expect(
      await ok([
        'groups',
        'members',
        'add',
        'tiledb://demo/genomics',
        'tiledb://demo/samples',
        's3://lab/variants',
      ]),
    ).toBe('');
    await ok([
      'groups',
      'members',
      'add',
      'demo',
      'genomics',
      's3://lab/v2',
      '--member-name',
      'v2',
    ]);
    await ok([
      'groups',
      'metadata',
      'set',
      'demo',
      'genomics',
      'owner=lab-7',
      'version=3',
      'draft=true',
    ]);

    // Piped output: members as TSV rows, then the metadata as key<TAB>value lines.
    expect(await ok(['groups', 'get', 'demo', 'genomics'])).toBe(
      [
        'samples\tARRAY\ttiledb://demo/samples',
        'variants\tARRAY\ts3://lab/variants',
        'v2\tARRAY\ts3://lab/v2',
        '',
        'owner\tlab-7',
        'version\t3',
        'draft\ttrue',
        '',
      ].join('\n'),
    );
    // --json: the API's GroupContentsRetrievalResponse exactly, metadata entries as sent.
    const full = await json(['groups', 'get', 'tiledb://demo/genomics']);
    expect(full).toEqual(await api('/v2/groups/demo/genomics'));
    expect(full.members).toEqual([
      { name: 'samples', uri: 'tiledb://demo/samples', type: 'ARRAY' },
      { name: 'variants', uri: 's3://lab/variants', type: 'ARRAY' },
      { name: 'v2', uri: 's3://lab/v2', type: 'ARRAY' },
    ]);
    expect(entryKeys(full.metadata)).toEqual(['owner', 'version', 'draft']);

    await ok([
      'groups',
      'members',
      'remove',
      'demo',
      'genomics',
      'variants',
      'tiledb://demo/samples',
    ]);
    await ok(['groups', 'metadata', 'set', 'demo', 'genomics', '--delete', 'draft']);
    const after = await json(['groups', 'get', 'demo', 'genomics']);
    expect(after).toEqual(await api('/v2/groups/demo/genomics'));
    expect(after.members).toEqual([{ name: 'v2', uri: 's3://lab/v2', type: 'ARRAY' }]);
    expect(entryKeys(after.metadata)).toEqual(['owner', 'version']);

    expect(await ok(['groups', 'exists', 'demo', 'genomics'])).toBe('');
    await ok(['groups', 'deregister', 'tiledb://demo/genomics']);
    const gone = await cli.run(['groups', 'exists', 'demo', 'genomics']);
    // "No" is the exit code alone when piped: no error line for a script to silence.
    expect(gone).toEqual({ code: 3, stdout: '', stderr: '' });
  });
});

describe('each command', () => {
  it('register records existing storage under a parent', async () => {
    await ok(['groups', 'create', 'demo', 'projects']);
    expect(
      await json([
        'groups',
        'register',
        'demo',
        'alpha',
        '--uri',
        's3://acme/alpha',
        '--parent',
        'projects',
        '--region',
        'us-east-1',
      ]),
    ).toEqual({ tiledb_uri: 'tiledb://demo/alpha', uri: 's3://acme/alpha', registered: true });
    // The parent may also be given as a tiledb:// URI.
    await ok([
      'groups',
      'register',
      'tiledb://demo/beta',
      '--uri',
      's3://acme/beta',
      '--parent',
      'tiledb://demo/projects',
    ]);
    expect(await json(['groups', 'get', 'demo', 'projects', '--members'])).toEqual([
      { name: 'alpha', uri: 'tiledb://demo/alpha', type: 'GROUP' },
      { name: 'beta', uri: 'tiledb://demo/beta', type: 'GROUP' },
    ]);
  });

  it('exists --json answers both ways, exiting 0 or 3', async () => {
    await ok(['groups', 'create', 'demo', 'here']);
    expect(await json(['groups', 'exists', 'demo', 'here'])).toEqual({
      tiledb_uri: 'tiledb://demo/here',
      exists: true,
    });
    const absent = await cli.run(['groups', 'exists', 'demo', 'absent', '--json']);
    expect(absent.code).toBe(3);
    expect(JSON.parse(absent.stdout)).toEqual({
      tiledb_uri: 'tiledb://demo/absent',
      exists: false,
    });
    expect(absent.stderr).toBe('');
  });

  it('exists tells a person at a terminal, and still answers by exit code', async () => {
    await ok(['groups', 'create', 'demo', 'shown']);
    const env = { IAMKIT_FORCE_TTY: '1', NO_COLOR: '1' };
    expect(await cli.run(['groups', 'exists', 'demo', 'shown'], { env })).toEqual({
      code: 0,
      stdout: '✓ Group tiledb://demo/shown exists\n',
      stderr: '',
    });
    expect(await cli.run(['groups', 'exists', 'demo', 'hidden'], { env })).toEqual({
      code: 3,
      stdout: '',
      stderr: 'Group tiledb://demo/hidden does not exist\n',
    });
  });

  it('deregister --recursive takes the subgroups too', async () => {
    await ok(['groups', 'create', 'demo', 'root']);
    await ok(['groups', 'register', 'demo', 'leaf', '--uri', 's3://acme/leaf', '--parent', 'root']);
    expect(await json(['groups', 'deregister', 'demo', 'root', '--recursive'])).toEqual({
      tiledb_uri: 'tiledb://demo/root',
      deregistered: true,
      recursive: true,
    });
    expect((await cli.run(['groups', 'exists', 'demo', 'leaf'])).code).toBe(3);
  });

  it('metadata set guesses types, keeps text with --string, and get prints one key', async () => {
    await ok(['groups', 'create', 'demo', 'typed']);
    await ok([
      'groups',
      'metadata',
      'set',
      'demo',
      'typed',
      'count=42',
      'ratio=0.5',
      'big=12345678901234567890',
      'sizes=[1,2,3]',
      'label="7"',
      'note=hello world',
    ]);
    await ok(['groups', 'metadata', 'set', 'demo', 'typed', 'build=0042', '--string']);
    // The values were typed on the way in: --json shows the wire entries with their types.
    const raw = await json(['groups', 'metadata', 'get', 'demo', 'typed']);
    expect(raw).toEqual(await api('/v2/groups/demo/typed/metadata'));
    expect(
      (raw as { entries: { key: string; type: string }[] }).entries.map((e) => [e.key, e.type]),
    ).toEqual([
      ['count', 'INT64'],
      ['ratio', 'FLOAT64'],
      ['big', 'UINT64'],
      ['sizes', 'INT64'],
      ['label', 'STRING_UTF8'],
      ['note', 'STRING_UTF8'],
      ['build', 'STRING_UTF8'],
    ]);
    // ...and read back decoded, one key<TAB>value line each.
    expect(await ok(['groups', 'metadata', 'get', 'demo', 'typed'])).toBe(
      [
        'count\t42',
        'ratio\t0.5',
        'big\t12345678901234567890',
        'sizes\t1, 2, 3',
        'label\t7',
        'note\thello world',
        'build\t0042',
        '',
      ].join('\n'),
    );
    expect(await ok(['groups', 'metadata', 'get', 'tiledb://demo/typed', 'note'])).toBe(
      'hello world\n',
    );
    expect(await ok(['groups', 'metadata', 'get', 'demo', 'typed', 'sizes'])).toBe('[1,2,3]\n');
    const missing = await cli.run(['groups', 'metadata', 'get', 'demo', 'typed', 'nope']);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain('has no metadata key "nope"');
  });

  it('metadata keys named like Object.prototype members are set, read and deleted like any other', async () => {
    await ok(['groups', 'create', 'demo', 'proto']);
    await ok([
      'groups',
      'metadata',
      'set',
      'demo',
      'proto',
      '__proto__=x',
      'constructor=1',
      'toString=text',
      'prototype=[1,2]',
    ]);
    const keys = ['__proto__', 'constructor', 'toString', 'prototype'];
    expect(entryKeys(await api('/v2/groups/demo/proto/metadata'))).toEqual(keys);
    expect(await ok(['groups', 'metadata', 'get', 'demo', 'proto'])).toBe(
      ['__proto__\tx', 'constructor\t1', 'toString\ttext', 'prototype\t1, 2', ''].join('\n'),
    );
    expect(await ok(['groups', 'metadata', 'get', 'demo', 'proto', 'toString'])).toBe('text\n');
    expect(await json(['groups', 'metadata', 'get', 'demo', 'proto', 'constructor'])).toBe(1);
    expect(await json(['groups', 'metadata', 'get', 'demo', 'proto', '__proto__'])).toBe('x');
    // A name Object has but the metadata does not is a missing key: exit 3, nothing on stdout.
    for (const args of [[], ['--json']]) {
      const missing = await cli.run([
        'groups',
        'metadata',
        'get',
        'demo',
        'proto',
        'hasOwnProperty',
        ...args,
      ]);
      expect({ code: missing.code, stdout: missing.stdout }).toEqual({ code: 3, stdout: '' });
      expect(missing.stderr).toContain('has no metadata key "hasOwnProperty"');
    }
    await ok(['groups', 'metadata', 'set', 'demo', 'proto', '--delete', 'constructor,__proto__']);
    expect(entryKeys(await api('/v2/groups/demo/proto/metadata'))).toEqual([
      'toString',
      'prototype',
    ]);
  });

  it('create --credentials-name reaches the server', async () => {
    await ok([
      'groups',
      'create',
      'demo',
      'stored',
      '--uri',
      's3://acme/stored',
      '--credentials-name',
      'acme-s3',
    ]);
    const state = (await (await fetch(`${cli.server.url}/__admin/state`)).json()) as {
      tiledb_groups: Record<string, { name: string; access_credentials_name?: string }>;
    };
    const stored = Object.values(state.tiledb_groups).find((group) => group.name === 'stored');
    expect(stored?.access_credentials_name).toBe('acme-s3');
  });
});

describe('failures and exit codes', () => {
  it('an unknown group exits 3 with the server message', async () => {
    const result = await cli.run(['groups', 'get', 'demo', 'ghost']);
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^error: .*Group "ghost" was not found in namespace "demo"/);
    expect(result.stderr).toContain('request id');
  });

  it("another user's namespace exits 3; a read-only organization role exits 4", async () => {
    await ok(['groups', 'create', 'demo', 'private']);
    await ok(['groups', 'create', 'demo-org', 'team']);
    await cli.login('demo-member-key');
    const hidden = await cli.run(['groups', 'get', 'demo', 'private']);
    expect(hidden.code).toBe(3);
    expect(hidden.stderr).toContain('Namespace "demo" was not found');
    const denied = await cli.run(['groups', 'metadata', 'set', 'demo-org', 'team', 'a=1']);
    expect(denied.code).toBe(4);
    expect(denied.stderr).toContain('does not allow write access');
  });

  it('a duplicate name exits 1; adding a member twice exits 1', async () => {
    await ok(['groups', 'create', 'demo', 'twice']);
    const duplicate = await cli.run(['groups', 'create', 'demo', 'twice']);
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr).toContain('A group named "twice" already exists in namespace "demo"');
    await ok(['groups', 'members', 'add', 'demo', 'twice', 's3://a/b']);
    const again = await cli.run(['groups', 'members', 'add', 'demo', 'twice', 's3://a/b']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('is already a member');
    const absent = await cli.run(['groups', 'members', 'remove', 'demo', 'twice', 'nothing']);
    expect(absent.code).toBe(1);
    expect(absent.stderr).toContain('"nothing" is not a member');
  });

  it('bad input exits 2 naming what was wrong, and sends nothing', async () => {
    const cases: Array<[string[], string]> = [
      [['groups', 'create', 'demo', 'g', '--tags', 'Bio'], 'group_details.tags[0]'],
      [['groups', 'create', 'demo', 'g', '--tags', 'a,,b'], '--tags takes a comma-separated list'],
      [['groups', 'create', 'demo'], 'missing <name> after namespace "demo"'],
      [
        ['groups', 'create', 's3://bucket/g'],
        'expected <namespace> <name> or tiledb://namespace/name',
      ],
      [['groups', 'register', 'demo', 'g'], '--uri is required'],
      [
        ['groups', 'members', 'add', 'demo', 'g', 's3://a/b', '--type', 'TABLE'],
        '--type must be ARRAY or GROUP',
      ],
      [['groups', 'members', 'add', 'demo', 'g'], 'at least one member URI'],
      [['groups', 'metadata', 'set', 'demo', 'g', 'novalue'], 'expected key=value'],
      [['groups', 'metadata', 'set', 'demo', 'g'], 'nothing to change'],
      [
        ['groups', 'metadata', 'set', 'demo', 'g', 'big=123456789012345678901'],
        'metadata.big: integer out of the 64-bit range',
      ],
      [
        ['groups', 'metadata', 'set', 'demo', 'g', 'a=1', 'a=2', '--delete', 'a'],
        'key "a" is both set and deleted',
      ],
      [['groups', 'get', 'demo', 'g', '--colour'], 'unknown flag --colour'],
      // after a tiledb:// URI, a command without [rest...] takes nothing more
      [['groups', 'get', 'tiledb://demo/g', 'extra'], 'unexpected argument "extra"'],
      [
        ['groups', 'exists', 'tiledb://demo/g4', 'tiledb://demo/nonexist'],
        'unexpected argument "tiledb://demo/nonexist"',
      ],
      [
        ['groups', 'deregister', 'tiledb://demo/g3', 'tiledb://demo/ttyg'],
        'unexpected argument "tiledb://demo/ttyg"',
      ],
      [['groups', 'create', 'tiledb://demo/g', 'x'], 'unexpected argument "x"'],
      [
        ['groups', 'register', 'tiledb://demo/g', 'x', '--uri', 's3://b/g'],
        'unexpected argument "x"',
      ],
      [
        ['groups', 'exists', 'demo', 'g', '--credentials-name', ''],
        'credentialsName must not be empty',
      ],
    ];
    for (const [args, message] of cases) {
      const result = await cli.run(args);
      expect({ args, code: result.code }).toEqual({ args, code: 2 });
      expect(result.stderr).toContain(message);
    }
    const requests = (await (await fetch(`${cli.server.url}/__admin/requests`)).json()) as {
      requests: Array<{ path: string }>;
    };
    expect(requests.requests.filter((request) => request.path.startsWith('/v2/groups'))).toEqual(
      [],
    );
  });
});
