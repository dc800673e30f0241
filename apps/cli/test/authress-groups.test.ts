/** `iamkit authress groups ...` end to end: the built binary against the real mock server. */
import { generateKeyPairSync } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AuthressGroupsClient, type Group } from '@iamkit/authress';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type CliHarness, type RunOptions, startCli } from './helpers.js';

let cli: CliHarness;
let env: Record<string, string>;
let client: AuthressGroupsClient;

beforeAll(async () => {
  cli = await startCli();
  const accessKey = cli.server.identities.serviceClients[0]!.accessKey!;
  env = { AUTHRESS_URL: cli.server.authressUrl, AUTHRESS_ACCESS_KEY: accessKey };
  client = new AuthressGroupsClient({ authressApiUrl: cli.server.authressUrl, accessKey });
});
afterAll(async () => {
  await cli.close();
});
beforeEach(async () => {
  await cli.server.reset();
});

const run = (args: string[], options: RunOptions = {}) =>
  cli.run(['authress', 'groups', ...args], { ...options, env: { ...env, ...options.env } });

/** Adds a fault rule to the mock server; returns its id. */
async function addFault(rule: Record<string, unknown>): Promise<string> {
  const response = await fetch(`${cli.server.url}/__admin/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(rule),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

/** How many requests the fault rule has caught so far. */
async function faultHits(id: string): Promise<number> {
  const response = await fetch(`${cli.server.url}/__admin/faults`);
  const { faults } = (await response.json()) as { faults: Array<{ id: string; hits: number }> };
  return faults.find((f) => f.id === id)?.hits ?? 0;
}

async function waitFor(condition: () => Promise<boolean>, what: string, timeoutMs = 10_000) {
  const until = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function runJson<T>(args: string[]): Promise<T> {
  const result = await run([...args, '--json']);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as T;
}

describe('tags', () => {
  it('keep keys named like Object members: __proto__, constructor, prototype', async () => {
    const created = await run([
      'create',
      '--id',
      'grp_proto_tags',
      '--name',
      'Proto',
      '--tags',
      '__proto__=p,constructor=c,prototype=x',
      '--json',
    ]);
    expect(created.code, created.stderr).toBe(0);
    expect(JSON.parse(created.stdout).tags).toEqual(
      JSON.parse('{"__proto__":"p","constructor":"c","prototype":"x"}'),
    );
    const stored = await client.getGroup('grp_proto_tags');
    expect(Object.keys(stored.tags ?? {})).toEqual(['__proto__', 'constructor', 'prototype']);
  });
});

describe('every operation', () => {
  it('create, get, list, update and delete', async () => {
    const created = await runJson<Group>([
      'create',
      '--name',
      'Editors',
      '--users',
      'oauth2|alice,oauth2|bob',
      '--admins',
      'oauth2|carol',
      '--tags',
      'team=docs,tier=gold',
    ]);
    expect(created.groupId).toMatch(/^grp_/);
    expect(created).toMatchObject({
      name: 'Editors',
      users: [{ userId: 'oauth2|alice' }, { userId: 'oauth2|bob' }],
      admins: [{ userId: 'oauth2|carol' }],
      tags: { team: 'docs', tier: 'gold' },
    });
    const id = created.groupId!;

    const got = await run(['get', id]);
    expect(got.code).toBe(0);
    expect(got.stdout.split('\n')).toEqual(
      expect.arrayContaining([
        `groupId\t${id}`,
        'name\tEditors',
        'users\toauth2|alice, oauth2|bob',
        'admins\toauth2|carol',
        'tags\tteam=docs, tier=gold',
      ]),
    );

    const listed = await run(['list']);
    expect(listed.code).toBe(0);
    expect(listed.stdout.trim().split('\t').slice(0, 4)).toEqual([id, 'Editors', '2', '1']);

    const updated = await runJson<Group>([
      'update',
      id,
      '--add-users',
      'oauth2|dave',
      '--remove-users',
      'oauth2|alice',
      '--name',
      'Senior editors',
    ]);
    expect(updated.name).toBe('Senior editors');
    expect(updated.users).toEqual([{ userId: 'oauth2|bob' }, { userId: 'oauth2|dave' }]);
    expect(updated.tags).toEqual({ team: 'docs', tier: 'gold' });
    expect((await client.getGroup(id)).users).toEqual(updated.users);

    const deleted = await run(['delete', id]);
    expect(deleted.code).toBe(0);
    const gone = await run(['get', id]);
    expect(gone.code).toBe(3);
    expect(gone.stderr).toMatch(/not found/);
  });

  it('creates with a chosen id and from a JSON file; a duplicate id exits 1', async () => {
    const file = join(cli.home, 'group.json');
    await writeFile(
      file,
      JSON.stringify({
        groupId: 'grp_from_file',
        name: 'From file',
        users: [{ userId: 'u1' }],
        admins: [],
      }),
    );
    const fromFile = await runJson<Group>(['create', '--file', file]);
    expect(fromFile).toMatchObject({
      groupId: 'grp_from_file',
      name: 'From file',
      users: [{ userId: 'u1' }],
    });

    const fromStdin = await run(['create', '--file', '-', '--id', 'grp_stdin', '--json'], {
      input: JSON.stringify({ name: 'From stdin', users: [], admins: [] }),
    });
    expect(fromStdin.code).toBe(0);
    expect(JSON.parse(fromStdin.stdout)).toMatchObject({
      groupId: 'grp_stdin',
      name: 'From stdin',
    });

    const duplicate = await run(['create', '--id', 'grp_stdin', '--name', 'Again']);
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr).toMatch(/409|already exists/);
  });
});

describe('list', () => {
  it('--all follows every page and prints each group once', async () => {
    for (let i = 0; i < 45; i++) {
      await client.createGroup({
        groupId: `grp_${String(i).padStart(2, '0')}`,
        name: `g${i}`,
        users: [],
        admins: [],
      });
    }
    const plain = await run(['list', '--all', '--limit', '20']);
    expect(plain.code).toBe(0);
    const ids = plain.stdout
      .trim()
      .split('\n')
      .map((line) => line.split('\t')[0]);
    expect(ids).toHaveLength(45);
    expect(new Set(ids).size).toBe(45);

    const json = await runJson<Group[]>(['list', '--all', '--limit', '7']);
    expect(json.map((g) => g.groupId)).toEqual(ids);
  });

  it('one page with --json is the API response, and its cursor continues the list', async () => {
    for (let i = 0; i < 3; i++)
      await client.createGroup({ name: `page ${i}`, users: [], admins: [] });
    const first = await runJson<{ groups: Group[]; pagination: { next: { cursor: string } } }>([
      'list',
      '--limit',
      '2',
    ]);
    expect(first.groups).toHaveLength(2);
    const second = await runJson<{ groups: Group[] }>([
      'list',
      '--limit',
      '2',
      '--cursor',
      first.pagination.next.cursor,
    ]);
    expect(second.groups.map((g) => g.name)).toEqual(['page 2']);
  });

  it('--filter searches case-insensitively', async () => {
    await client.createGroup({ name: 'Billing', users: [], admins: [] });
    await client.createGroup({ name: 'Readers', users: [], admins: [] });
    const result = await run(['list', '--filter', 'BILL']);
    expect(result.stdout.trim().split('\n')).toHaveLength(1);
    expect(result.stdout).toContain('Billing');
  });
});

describe('update guards against concurrent changes', () => {
  it('--if-unmodified-since with a time before the last change exits 1; --force overwrites', async () => {
    const group = await client.createGroup({ name: 'Shared', users: [], admins: [] });
    const readAt = group.lastUpdated!;
    await client.updateGroup(group.groupId!, {
      name: 'Changed by someone else',
      users: [],
      admins: [],
    });

    const stale = await run([
      'update',
      group.groupId!,
      '--name',
      'Mine',
      '--if-unmodified-since',
      readAt,
    ]);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toMatch(/changed since it was read/);
    expect((await client.getGroup(group.groupId!)).name).toBe('Changed by someone else');

    const forced = await run(['update', group.groupId!, '--name', 'Mine', '--force']);
    expect(forced.code).toBe(0);
    expect((await client.getGroup(group.groupId!)).name).toBe('Mine');
  });

  it('by default reads the group and sends its lastUpdated: a change between its read and its write is refused', async () => {
    const group = await client.createGroup({ name: 'Fresh', users: [], admins: [] });
    const id = group.groupId!;
    // Hold the CLI's write (it comes after its read) and change the group meanwhile.
    const rule = await addFault({
      method: 'PUT',
      path: `/authress/v1/groups/${id}`,
      latencyMs: 2500,
      times: 1,
    });
    const pending = run(['update', id, '--admins', 'oauth2|erin']);
    await waitFor(async () => (await faultHits(rule)) === 1, 'the CLI to send its update');
    await client.updateGroup(id, { name: 'Changed meanwhile', users: [], admins: [] });
    const stale = await pending;
    expect(stale.stderr).toMatch(/changed since it was read/);
    expect(stale.code).toBe(1);
    expect(await client.getGroup(id)).toMatchObject({ name: 'Changed meanwhile', admins: [] });

    // With nothing changed in between, the same command applies.
    const result = await runJson<Group>(['update', id, '--admins', 'oauth2|erin']);
    expect(result).toMatchObject({
      name: 'Changed meanwhile',
      admins: [{ userId: 'oauth2|erin' }],
    });
  });

  it("--file: the file's lastUpdated guards the write, so a change made since it was read is kept", async () => {
    const alice = { userId: 'oauth2|alice' };
    const bob = { userId: 'oauth2|bob' };
    await client.createGroup({
      groupId: 'grp_lost_update',
      name: 'Team',
      users: [alice],
      admins: [],
    });
    const file = join(cli.home, 'team.json');
    const readByA = await run(['get', 'grp_lost_update', '--json']); // A reads
    await client.updateGroup('grp_lost_update', { name: 'Team', users: [alice, bob], admins: [] }); // B adds bob
    // A edits the file, then writes it back.
    await writeFile(
      file,
      JSON.stringify({ ...JSON.parse(readByA.stdout), name: 'Team (renamed)' }),
    );
    const stale = await run(['update', 'grp_lost_update', '--file', file]);
    expect(stale.stderr).toMatch(/changed since it was read/);
    expect(stale.code).toBe(1);
    expect(await client.getGroup('grp_lost_update')).toMatchObject({
      name: 'Team',
      users: [alice, bob],
    });

    // Read again, edit again: applies, and bob stays.
    const fresh = await runJson<Group>(['get', 'grp_lost_update']);
    await writeFile(file, JSON.stringify({ ...fresh, name: 'Team (renamed)' }));
    const applied = await runJson<Group>(['update', 'grp_lost_update', '--file', file]);
    expect(applied).toMatchObject({ name: 'Team (renamed)', users: [alice, bob] });

    // --force writes the file whatever happened since.
    await writeFile(file, JSON.stringify({ ...JSON.parse(readByA.stdout), name: 'Forced' }));
    const forced = await runJson<Group>(['update', 'grp_lost_update', '--file', file, '--force']);
    expect(forced).toMatchObject({ name: 'Forced', users: [alice] });
  });

  it('--file without lastUpdated needs --if-unmodified-since or --force', async () => {
    const group = await client.createGroup({ name: 'Hand-written', users: [], admins: [] });
    const file = join(cli.home, 'by-hand.json');
    await writeFile(file, JSON.stringify({ name: 'By hand', users: [], admins: [] }));
    const refused = await run(['update', group.groupId!, '--file', file]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/has no "lastUpdated".*--if-unmodified-since.*--force/);
    expect((await client.getGroup(group.groupId!)).name).toBe('Hand-written');

    const guarded = await run([
      'update',
      group.groupId!,
      '--file',
      file,
      '--if-unmodified-since',
      group.lastUpdated!,
    ]);
    expect(guarded.code).toBe(0);
    expect((await client.getGroup(group.groupId!)).name).toBe('By hand');
  });

  it('--if-unmodified-since takes an ISO 8601 date-time only, naming the flag', async () => {
    const group = await client.createGroup({ name: 'Dated', users: [], admins: [] });
    for (const notIso of ['12/01/2999', 'Sun, 22 Nov 2999 04:58:45 GMT', '2999-01-01', '1']) {
      const result = await run([
        'update',
        group.groupId!,
        '--name',
        'Changed',
        '--if-unmodified-since',
        notIso,
      ]);
      expect(result.stderr, notIso).toMatch(
        /--if-unmodified-since takes an ISO 8601 date-time with a time zone, such as 2026-01-05T10:00:00\.000Z/,
      );
      expect(result.code, notIso).toBe(2);
    }
    expect((await client.getGroup(group.groupId!)).name).toBe('Dated');
  });
});

describe('update --file must hold the whole group', () => {
  it('a file without users or admins is a usage error, not a crash, and changes nothing', async () => {
    const group = await client.createGroup({
      name: 'Whole',
      users: [{ userId: 'oauth2|alice' }],
      admins: [{ userId: 'oauth2|carol' }],
    });
    const file = join(cli.home, 'nousers.json');
    await writeFile(file, JSON.stringify({ name: 'only name' }));
    const noUsers = await run(['update', group.groupId!, '--file', file]);
    expect(noUsers.stderr).toMatch(/--file .*nousers\.json has no "users" list/);
    expect(noUsers.stderr).not.toMatch(/Cannot read properties/);
    expect(noUsers.code).toBe(2);

    await writeFile(file, JSON.stringify({ name: 'only name', users: [] }));
    const noAdmins = await run(['update', group.groupId!, '--file', file, '--force']);
    expect(noAdmins.stderr).toMatch(/has no "admins" list/);
    expect(noAdmins.code).toBe(2);
    expect(await client.getGroup(group.groupId!)).toMatchObject({
      name: 'Whole',
      users: [{ userId: 'oauth2|alice' }],
      admins: [{ userId: 'oauth2|carol' }],
    });

    // The flags may supply what the file lacks.
    const supplied = await runJson<Group>([
      'update',
      group.groupId!,
      '--file',
      file,
      '--admins',
      'oauth2|dave',
      '--force',
    ]);
    expect(supplied).toMatchObject({
      name: 'only name',
      users: [],
      admins: [{ userId: 'oauth2|dave' }],
    });
  });
});

describe('errors and exit codes', () => {
  it('invalid input is a usage error (2) and sends nothing', async () => {
    const badId = await run(['create', '--id', 'nope', '--name', 'x']);
    expect(badId.code).toBe(2);
    expect(badId.stderr).toMatch(/grp_/);
    const tooMany = await run([
      'create',
      '--name',
      'x',
      '--users',
      Array.from({ length: 101 }, (_, i) => `u${i}`).join(','),
    ]);
    expect(tooMany.code).toBe(2);
    expect(tooMany.stderr).toMatch(/at most 100/);
    expect((await run(['create'])).code).toBe(2);
    expect((await run(['update', 'grp_x'])).stderr).toMatch(/nothing to change/);
    expect((await run(['list', '--limit', '50'])).code).toBe(2);
    expect((await client.getGroups()).groups).toEqual([]);
  });

  it('a key the server does not know exits 4, and no credentials exits 4 with a hint', async () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const der = privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');
    const stranger = await run(['list'], {
      env: { AUTHRESS_ACCESS_KEY: `sc_x.key_x.acc-mock.${der}` },
    });
    expect(stranger.code).toBe(4);
    expect(stranger.stderr).not.toContain(der);

    const none = await run(['list'], { env: { AUTHRESS_ACCESS_KEY: undefined } });
    expect(none.code).toBe(4);
    expect(none.stderr).toMatch(/access key/);
  });
});
