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
