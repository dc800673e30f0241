/**
 * TileDB v2 groups on the wire: what `updateGroupContents` accepts as a member.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type MockServer, startMockServer } from '../src/index.js';
import { demoKey, memberKey } from './helpers.js';

let server: MockServer;
beforeAll(async () => {
  server = await startMockServer({ port: 0 });
});
afterAll(() => server.close());
beforeEach(() => server.reset());

async function call(
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown> | undefined }> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return {
    status: res.status,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined,
  };
}

async function create(namespace: string, name: string, headers = demoKey, uri?: string) {
  const res = await call('POST', `/v2/groups/${namespace}`, headers, {
    group_details: { name, ...(uri ? { uri } : {}) },
  });
  expect(res.status).toBe(201);
  return res.body!['id'] as string;
}

const add = (members: Array<{ uri: string; type: string; name?: string }>, headers = demoKey) =>
  call('PATCH', '/v2/groups/demo/g1', headers, { group_changes: { members_to_add: members } });

async function members(): Promise<unknown[]> {
  const res = await call('POST', '/v2/groups/demo/g1', demoKey);
  expect(res.status).toBe(200);
  return res.body!['members'] as unknown[];
}

describe('updateGroupContents: GROUP members', () => {
  beforeEach(async () => {
    await create('demo', 'g1');
  });

  it('refuses a tiledb:// GROUP member that does not exist, naming the field, and changes nothing', async () => {
    const res = await add([
      { uri: 's3://bucket/array-a', type: 'ARRAY' },
      { uri: 'tiledb://demo/doesnotexist', type: 'GROUP' },
    ]);
    expect(res.status).toBe(400);
    expect(res.body!['message']).toMatch(/^group_changes\.members_to_add\[1\]\.uri: /);
    expect(res.body!['message']).toMatch(/tiledb:\/\/demo\/doesnotexist/);
    expect(await members()).toEqual([]);
    for (const uri of ['tiledb://demo', 'tiledb://demo/', 'tiledb://nobody-ns/g1']) {
      expect((await add([{ uri, type: 'GROUP' }])).status, uri).toBe(400);
    }
    expect(await members()).toEqual([]);
  });

  it('answers a group the caller cannot read exactly like a missing one', async () => {
    await create('demo-member', 'private', memberKey);
    const hidden = await add([{ uri: 'tiledb://demo-member/private', type: 'GROUP' }]);
    const missing = await add([{ uri: 'tiledb://demo-member/nothing', type: 'GROUP' }]);
    expect(hidden.status).toBe(400);
    expect(missing.status).toBe(400);
    expect(String(hidden.body!['message']).replace('private', 'X')).toBe(
      String(missing.body!['message']).replace('nothing', 'X'),
    );
    expect(await members()).toEqual([]);
  });

  it('accepts readable groups by tiledb:// name or UUID, registered storage URIs, unregistered storage and arrays', async () => {
    await create('demo', 'g2');
    await create('demo-org', 'shared');
    await create('demo', 'stored', demoKey, 's3://bucket/stored-group');
    const g3 = await create('demo', 'g3');
    const res = await add([
      { uri: `tiledb://demo/${g3}`, type: 'GROUP' },
      { uri: 'tiledb://demo/g2', type: 'GROUP' },
      { uri: 'TILEDB://demo-org/shared', type: 'GROUP' },
      { uri: 's3://bucket/stored-group/', type: 'GROUP' },
      { uri: 's3://bucket/unregistered-group', type: 'GROUP' },
      { uri: 'tiledb://demo/some-array', type: 'ARRAY' },
    ]);
    expect(res.status).toBe(204);
    expect(await members()).toEqual([
      { name: 'g3', uri: `tiledb://demo/${g3}`, type: 'GROUP' },
      { name: 'g2', uri: 'tiledb://demo/g2', type: 'GROUP' },
      { name: 'shared', uri: 'TILEDB://demo-org/shared', type: 'GROUP' },
      { name: 'stored', uri: 's3://bucket/stored-group/', type: 'GROUP' },
      { name: 'unregistered-group', uri: 's3://bucket/unregistered-group', type: 'GROUP' },
      { name: 'some-array', uri: 'tiledb://demo/some-array', type: 'ARRAY' },
    ]);
  });

  it('lets a read_only member add a group it can only read to a group of its own', async () => {
    await create('demo-org', 'shared');
    await create('demo-member', 'mine', memberKey);
    const res = await call('PATCH', '/v2/groups/demo-member/mine', memberKey, {
      group_changes: { members_to_add: [{ uri: 'tiledb://demo-org/shared', type: 'GROUP' }] },
    });
    expect(res.status).toBe(204);
  });
});

describe('deregisterGroup: recursive', () => {
  it('takes "true" or "false" only, naming the query parameter', async () => {
    await create('demo', 'g1');
    const bad = await call('DELETE', '/v2/groups/demo/g1?recursive=True', demoKey);
    expect(bad.status).toBe(400);
    expect(bad.body!['message']).toBe(
      'Invalid query parameter "recursive": recursive must be "true" or "false", got "True"',
    );
    expect((await call('DELETE', '/v2/groups/demo/g1?recursive=false', demoKey)).status).toBe(200);
  });
});

describe('groups in a namespace the caller cannot read', () => {
  // demo's group over s3://acme-private/payroll; demo-member cannot read namespace demo.
  const hidden = 's3://acme-private/payroll';
  const plain = 's3://acme-private/nothing';
  const patch = (changes: Record<string, unknown>) =>
    call('PATCH', '/v2/groups/demo-member/mine', memberKey, { group_changes: changes });
  const mine = async () => (await call('POST', '/v2/groups/demo-member/mine', memberKey)).body;

  beforeEach(async () => {
    await create('demo', 'payroll-2025', demoKey, hidden);
    await create('demo-member', 'mine', memberKey);
  });

  it('are plain storage to members_to_add and members_to_remove: no name, type or existence', async () => {
    // Added as an ARRAY, its storage is answered exactly like storage no group has.
    for (const uri of [hidden, plain]) {
      expect(await patch({ members_to_add: [{ uri, type: 'ARRAY' }] })).toEqual({
        status: 204,
        body: undefined,
      });
    }
    // Removing it by the hidden group's tiledb:// URI does not find the storage member.
    const byName = await patch({ members_to_remove: ['tiledb://demo/payroll-2025'] });
    expect(byName.status).toBe(400);
    expect(byName.body!['message']).toBe(
      'group_changes.members_to_remove[0]: "tiledb://demo/payroll-2025" is not a member of group tiledb://demo-member/mine',
    );
    expect((await patch({ members_to_remove: [hidden, plain] })).status).toBe(204);

    // Added as a GROUP, it is named after its URI, not after the group.
    expect((await patch({ members_to_add: [{ uri: `${hidden}/`, type: 'GROUP' }] })).status).toBe(
      204,
    );
    expect(await mine()).toEqual({
      members: [{ name: 'payroll', uri: `${hidden}/`, type: 'GROUP' }],
      metadata: { entries: [] },
    });
    // Adding the hidden group's tiledb:// URI is not "already a member".
    const again = await patch({
      members_to_add: [{ uri: 'tiledb://demo/payroll-2025', type: 'ARRAY', name: 'other' }],
    });
    expect(again.status).toBe(204);
    expect((await mine())!['members']).toEqual([
      { name: 'payroll', uri: `${hidden}/`, type: 'GROUP' },
      { name: 'other', uri: 'tiledb://demo/payroll-2025', type: 'ARRAY' },
    ]);
  });

  it('are not refused (409) by create or register over the same storage, so nothing is revealed', async () => {
    const created = await call('POST', '/v2/groups/demo-member', memberKey, {
      group_details: { name: 'probe', uri: hidden },
    });
    expect(created.status).toBe(201);
    const registered = await call('PUT', '/v2/groups/demo-member', memberKey, {
      group_details: { name: 'probe-2', uri: `${hidden}/` },
    });
    // Storage is still one group's among the groups the caller can read.
    expect(registered.status).toBe(409);
    expect(registered.body!['message']).toBe(
      `Storage ${hidden}/ is already registered as group tiledb://demo-member/probe`,
    );
    // demo, who can read its own group, is still refused, with the name.
    const refused = await call('PUT', '/v2/groups/demo', demoKey, {
      group_details: { name: 'again', uri: hidden },
    });
    expect(refused.status).toBe(409);
    expect(refused.body!['message']).toBe(
      `Storage ${hidden} is already registered as group tiledb://demo/payroll-2025`,
    );
  });

  it('are neither named nor deregistered by a recursive deregister', async () => {
    expect((await patch({ members_to_add: [{ uri: hidden, type: 'GROUP' }] })).status).toBe(204);
    await call('PUT', '/v2/groups/demo/payroll-2025/metadata', demoKey, {
      metadata: { entries: [{ key: 'k', type: 'STRING_UTF8', valueNum: 1, value: [97] }] },
    });
    const before = await call('POST', '/v2/groups/demo/payroll-2025', demoKey);
    const res = await call('DELETE', '/v2/groups/demo-member/mine?recursive=true', memberKey);
    expect(res).toEqual({ status: 200, body: undefined });
    expect((await call('OPTIONS', '/v2/groups/demo-member/mine', memberKey)).status).toBe(404);
    expect(await call('POST', '/v2/groups/demo/payroll-2025', demoKey)).toEqual(before);
  });

  it('a subgroup the caller can read but not change still stops a recursive deregister, by name', async () => {
    await create('demo-org', 'shared');
    expect(
      (await patch({ members_to_add: [{ uri: 'tiledb://demo-org/shared', type: 'GROUP' }] }))
        .status,
    ).toBe(204);
    const res = await call('DELETE', '/v2/groups/demo-member/mine?recursive=true', memberKey);
    expect(res.status).toBe(403);
    expect(res.body!['message']).toBe(
      'Cannot deregister subgroup tiledb://demo-org/shared of tiledb://demo-member/mine: you may not change namespace "demo-org"; nothing was deregistered',
    );
    expect((await call('OPTIONS', '/v2/groups/demo-member/mine', memberKey)).status).toBe(204);
  });

  it('do not decide whether a storage member survives a deregister', async () => {
    // demo-member's own groups: one over demo's storage, one over storage nobody else has,
    // listed in "mine" by storage URI; and one listed by tiledb:// URI.
    await create('demo-member', 'copy', memberKey, hidden);
    await create('demo-member', 'other', memberKey, plain);
    await create('demo-member', 'named', memberKey);
    const added = await patch({
      members_to_add: [
        { uri: hidden, type: 'GROUP', name: 'hidden-storage' },
        { uri: plain, type: 'GROUP', name: 'plain-storage' },
        { uri: 'tiledb://demo-member/named', type: 'GROUP' },
      ],
    });
    expect(added.status).toBe(204);
    for (const name of ['copy', 'other', 'named']) {
      const res = await call('DELETE', `/v2/groups/demo-member/${name}`, memberKey);
      expect(res.status).toBe(200);
    }
    // The tiledb:// members dangle and go; the storage members stay whether or not a group
    // the caller cannot see has that storage (the storage itself is left alone).
    expect((await mine())!['members']).toEqual([
      { name: 'hidden-storage', uri: hidden, type: 'GROUP' },
      { name: 'plain-storage', uri: plain, type: 'GROUP' },
    ]);
  });
});

describe('a name that is the id of another group', () => {
  it('is refused (409) by create and register, so a returned tiledb_uri reaches the new group', async () => {
    const id = await create('demo', 'first');
    const message = `"${id}" is the id of another group in namespace "demo", so tiledb://demo/${id} would address that group; choose another name`;
    const created = await call('POST', '/v2/groups/demo', demoKey, {
      group_details: { name: id, description: 'impostor' },
    });
    expect(created.status).toBe(409);
    expect(created.body!['message']).toBe(message);
    const registered = await call('PUT', '/v2/groups/demo', demoKey, {
      group_details: { name: id, uri: 's3://bucket/impostor' },
    });
    expect(registered.status).toBe(409);
    expect(registered.body!['message']).toBe(message);
    // Another namespace is fine: the id is looked up within the namespace.
    const elsewhere = await call('POST', '/v2/groups/demo-org', demoKey, {
      group_details: { name: id },
    });
    expect(elsewhere.body!['tiledb_uri']).toBe(`tiledb://demo-org/${id}`);
    // Nothing was stored in demo: deregistering by the UUID removes the first group, and
    // then neither address is left.
    expect((await call('DELETE', `/v2/groups/demo/${id}`, demoKey)).status).toBe(200);
    expect((await call('OPTIONS', '/v2/groups/demo/first', demoKey)).status).toBe(404);
    expect((await call('OPTIONS', `/v2/groups/demo/${id}`, demoKey)).status).toBe(404);
  });
});

describe('group names and storage URIs', () => {
  it('refuses a name no URL could address, and a tiledb:// URI as storage, with 400', async () => {
    await create('demo', 'par');
    for (const name of ['..', '.', 'nul\u0000x']) {
      const res = await call('POST', '/v2/groups/demo', demoKey, { group_details: { name } });
      expect({ name, status: res.status }).toEqual({ name, status: 400 });
    }
    const alias = await call('POST', '/v2/groups/demo', demoKey, {
      group_details: { name: 'alias', uri: 'tiledb://demo/par' },
    });
    expect(alias.status).toBe(400);
    expect(alias.body!['message']).toContain('group_details.uri must be the group');
    const registered = await call('PUT', '/v2/groups/demo', demoKey, {
      group_details: { name: 'alias2', uri: 'tiledb://demo-org/og' },
    });
    expect(registered.status).toBe(400);
    // Nothing was created by the refused requests.
    for (const name of ['alias', 'alias2']) {
      expect((await call('OPTIONS', `/v2/groups/demo/${name}`, demoKey)).status).toBe(404);
    }
  });
});
