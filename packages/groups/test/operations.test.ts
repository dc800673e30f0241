/** Every operation through the real client against the real mock server. */
import { describe, expect, it } from 'vitest';
import { basicAuth, GroupsClient, type MetadataChanges } from '../src/index.js';
import { storedGroup, useMockServer } from './helpers.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const t = useMockServer();

describe('a full story', () => {
  it('creates, fills, describes, empties, deregisters and probes a group', async () => {
    const { demo } = t;
    const created = await demo.createGroup('demo', 'genomics', {
      description: 'Every genomics array',
      tags: ['bio', 'public-data'],
    });
    expect(created).toEqual({
      id: expect.stringMatching(UUID),
      name: 'genomics',
      tiledb_uri: 'tiledb://demo/genomics',
    });
    expect(await demo.groupExists('demo', 'genomics')).toBe(true);

    await demo.addMembers(created.tiledb_uri!, [
      { uri: 'tiledb://demo/samples', type: 'ARRAY' },
      { uri: 's3://lab-bucket/variants', type: 'ARRAY', name: 'variants' },
    ]);
    await demo.updateGroupMetadata('demo', 'genomics', { owner: 'lab-7', version: 3, draft: true });

    const contents = await demo.retrieveGroup('tiledb://demo/genomics');
    expect(contents).toEqual({
      members: [
        { name: 'samples', uri: 'tiledb://demo/samples', type: 'ARRAY' },
        { name: 'variants', uri: 's3://lab-bucket/variants', type: 'ARRAY' },
      ],
      metadata: { owner: 'lab-7', version: 3, draft: true },
    });

    await demo.removeMembers('demo', 'genomics', 'variants');
    await demo.removeMembers('tiledb://demo/genomics', ['tiledb://demo/samples']);
    await demo.updateGroupMetadata('demo', 'genomics', { draft: null });
    expect(await demo.retrieveGroup('demo', 'genomics')).toEqual({
      members: [],
      metadata: { owner: 'lab-7', version: 3 },
    });

    await demo.deregisterGroup('demo', 'genomics');
    expect(await demo.groupExists('demo', 'genomics')).toBe(false);
    expect(await demo.groupExists({ namespace: 'demo', name: created.id! })).toBe(false);
  });
});

describe('createGroup', () => {
  it('stores the details, the chosen storage and the credentials name', async () => {
    await t.demo.createGroup('demo', 'reports', {
      uri: 's3://acme/reports',
      license_id: 'MIT',
      config: { 'vfs.s3.region': 'eu-west-1' },
      credentialsName: 'acme-s3',
    });
    expect(await storedGroup(t.server, 'reports')).toMatchObject({
      namespace: 'demo',
      uri: 's3://acme/reports',
      license_id: 'MIT',
      tags: [],
      access_credentials_name: 'acme-s3',
    });
  });

  it('works with HTTP basic authentication and in an organization', async () => {
    const basic = new GroupsClient({
      baseUrl: t.server.url,
      auth: basicAuth({ username: 'demo', password: 'demo-password' }),
    });
    const created = await basic.createGroup('tiledb://demo-org/shared');
    expect(created.tiledb_uri).toBe('tiledb://demo-org/shared');
    // A read-only member of the organization sees it.
    expect(await t.member.groupExists('demo-org', 'shared')).toBe(true);
  });
});

describe('addressing', () => {
  it('reaches a group by name, UUID, tiledb:// URI or parts', async () => {
    const { id } = await t.demo.createGroup('demo', 'by-any-name');
    await t.demo.updateGroupMetadata('demo', 'by-any-name', { n: 1 });
    for (const ref of [
      'tiledb://demo/by-any-name',
      `tiledb://demo/${id}`,
      { namespace: 'demo', name: id! },
    ]) {
      expect(await t.demo.getGroupMetadata(ref)).toEqual({ n: 1 });
    }
    expect(await t.demo.getGroupMetadata('demo', id!)).toEqual({ n: 1 });
  });
});

describe('registerGroup', () => {
  it('records existing storage under a parent, which then lists it', async () => {
    await t.demo.createGroup('demo', 'projects');
    await t.demo.registerGroup('demo', 'alpha', {
      uri: 's3://acme/projects/alpha',
      parent: 'projects',
      description: 'Project alpha',
      region: 'us-east-1',
    });
    expect(await t.demo.groupExists('tiledb://demo/alpha')).toBe(true);
    expect((await t.demo.retrieveGroup('demo', 'projects')).members).toEqual([
      { name: 'alpha', uri: 'tiledb://demo/alpha', type: 'GROUP' },
    ]);
    expect(await storedGroup(t.server, 'alpha')).toMatchObject({
      uri: 's3://acme/projects/alpha',
      origin: 'registered',
      region: 'us-east-1',
    });
  });

  it('takes the parent as a tiledb:// URI in the same namespace', async () => {
    await t.demo.createGroup('demo', 'shelves');
    await t.demo.registerGroup('demo', 'beta', {
      uri: 's3://acme/shelves/beta',
      parent: 'tiledb://demo/shelves',
    });
    expect((await t.demo.retrieveGroup('demo', 'shelves')).members).toEqual([
      { name: 'beta', uri: 'tiledb://demo/beta', type: 'GROUP' },
    ]);
  });

  it('registers a top-level group without a parent', async () => {
    await t.demo.registerGroup('tiledb://demo/top', { uri: 'gcs://bucket/top' });
    expect(await t.demo.retrieveGroup('demo', 'top')).toEqual({ members: [], metadata: {} });
  });
});

describe('updateGroupContents', () => {
  it('adds and removes in one request, by storage URI, tiledb:// URI or name', async () => {
    await t.demo.createGroup('demo', 'library');
    await t.demo.registerGroup('demo', 'shelf', { uri: 's3://acme/shelf' });
    await t.demo.updateGroupContents('demo', 'library', {
      members_to_add: [
        { uri: 'tiledb://demo/shelf', type: 'GROUP' },
        { uri: 'tiledb://demo/book', type: 'ARRAY', name: 'first-book' },
      ],
    });
    // The shelf was added by its tiledb:// URI; its storage URI names the same member.
    await t.demo.updateGroupContents('tiledb://demo/library', {
      members_to_remove: ['s3://acme/shelf', 'first-book'],
      members_to_add: [{ uri: 's3://acme/atlas', type: 'ARRAY' }],
    });
    expect((await t.demo.retrieveGroup('demo', 'library')).members).toEqual([
      { name: 'atlas', uri: 's3://acme/atlas', type: 'ARRAY' },
    ]);
  });
});

describe('metadata', () => {
  it('merges updates, deletes keys with null and round-trips every kind of value', async () => {
    await t.demo.createGroup('demo', 'meta');
    const values = {
      title: 'Genomics ✓',
      count: 42,
      ratio: 0.25,
      big: 2n ** 60n,
      enabled: false,
      sizes: [1, 2, 3],
      raw: new Uint8Array([0, 1, 255]),
    };
    await t.demo.updateGroupMetadata('demo', 'meta', values);
    await t.demo.updateGroupMetadata('demo', 'meta', { count: 43, ratio: null, extra: 'x' });
    const { ratio: _removed, ...rest } = values;
    expect(await t.demo.getGroupMetadata('demo', 'meta')).toEqual({
      ...rest,
      count: 43,
      extra: 'x',
    });
    // Deleting a key that is not there is not an error.
    await t.demo.updateGroupMetadata('demo', 'meta', { never: null });
    expect((await t.demo.retrieveGroup('demo', 'meta')).metadata).toEqual({
      ...rest,
      count: 43,
      extra: 'x',
    });
  });
});

describe('metadata keys named like Object.prototype members', () => {
  it('are sent, stored and read back as own keys, and deleted by null', async () => {
    await t.demo.createGroup('demo', 'proto');
    const changes = JSON.parse(
      '{"__proto__":"x","constructor":1,"toString":true,"prototype":[1,2],"ok":"y"}',
    ) as MetadataChanges;
    await t.demo.updateGroupMetadata('demo', 'proto', changes);
    const stored = (await storedGroup(t.server, 'proto'))!['metadata'] as Array<{ key: string }>;
    expect(stored.map((entry) => entry.key)).toEqual([
      '__proto__',
      'constructor',
      'toString',
      'prototype',
      'ok',
    ]);

    const read = await t.demo.getGroupMetadata('demo', 'proto');
    expect(Object.getPrototypeOf(read)).toBe(Object.prototype);
    expect(Object.entries(read)).toEqual([
      ['__proto__', 'x'],
      ['constructor', 1],
      ['toString', true],
      ['prototype', [1, 2]],
      ['ok', 'y'],
    ]);
    expect(Object.entries((await t.demo.retrieveGroup('demo', 'proto')).metadata)).toEqual(
      Object.entries(read),
    );

    await t.demo.updateGroupMetadata(
      'demo',
      'proto',
      JSON.parse('{"__proto__":null,"constructor":null}') as MetadataChanges,
    );
    expect(Object.keys(await t.demo.getGroupMetadata('demo', 'proto'))).toEqual([
      'toString',
      'prototype',
      'ok',
    ]);
  });
});

describe('deregisterGroup', () => {
  async function tree() {
    await t.demo.createGroup('demo', 'root');
    await t.demo.registerGroup('demo', 'child', { uri: 's3://acme/child', parent: 'root' });
    await t.demo.createGroup('demo', 'grandchild');
    await t.demo.addMembers('demo', 'child', { uri: 'tiledb://demo/grandchild', type: 'GROUP' });
  }

  it('leaves subgroups alone unless recursive', async () => {
    await tree();
    await t.demo.deregisterGroup('demo', 'root');
    expect(await t.demo.groupExists('demo', 'root')).toBe(false);
    expect(await t.demo.groupExists('demo', 'child')).toBe(true);
    expect(await t.demo.groupExists('demo', 'grandchild')).toBe(true);
  });

  it('with recursive: true, deregisters every subgroup, sent as recursive=true', async () => {
    await tree();
    await t.demo.createGroup('demo', 'bystander');
    await t.demo.addMembers('demo', 'bystander', { uri: 'tiledb://demo/child', type: 'GROUP' });
    await t.demo.deregisterGroup('tiledb://demo/root', { recursive: true });
    for (const name of ['root', 'child', 'grandchild']) {
      expect(await t.demo.groupExists('demo', name)).toBe(false);
    }
    expect(await t.groupRequests()).toContain('DELETE /v2/groups/demo/root?recursive=true');
    // A group that listed a deregistered one no longer does.
    expect((await t.demo.retrieveGroup('demo', 'bystander')).members).toEqual([]);
  });
});

describe('the OPTIONS probe on the wire', () => {
  it('answers 204 or 404 with no body', async () => {
    await t.demo.createGroup('demo', 'probe');
    const probe = async (name: string) => {
      const response = await fetch(`${t.server.url}/v2/groups/demo/${name}`, {
        method: 'OPTIONS',
        headers: { 'X-TILEDB-REST-API-KEY': 'demo-api-key' },
      });
      return [response.status, await response.text()];
    };
    expect(await probe('probe')).toEqual([204, '']);
    expect(await probe('absent')).toEqual([404, '']);
  });
});

describe('concurrent requests', () => {
  it('lose no member change, and let exactly one create take a name', async () => {
    await t.demo.createGroup('demo', 'busy');
    await Promise.all(
      Array.from({ length: 10 }, (_, index) =>
        t.demo.addMembers('demo', 'busy', { uri: `s3://acme/array-${index}`, type: 'ARRAY' }),
      ),
    );
    const { members } = await t.demo.retrieveGroup('demo', 'busy');
    expect(members.map((member) => member.name).sort()).toEqual(
      Array.from({ length: 10 }, (_, index) => `array-${index}`).sort(),
    );

    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () => t.demo.createGroup('demo', 'contested')),
    );
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    expect(
      results
        .filter((result) => result.status === 'rejected')
        .map((r) => (r as PromiseRejectedResult).reason.status),
    ).toEqual([409, 409, 409, 409]);
  });
});

describe('retries', () => {
  async function failNext(method: string, path: string) {
    const response = await fetch(`${t.server.url}/__admin/faults`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ method, path, status: 503, times: 1 }),
    });
    expect(response.ok).toBe(true);
  }
  const retrying = () =>
    new GroupsClient({
      baseUrl: t.server.url,
      auth: basicAuth({ username: 'demo', password: 'demo-password' }),
      retry: { limit: 2, baseDelay: 1 },
    });

  it('repeats the reads done with POST, and the metadata merge', async () => {
    const groups = retrying();
    await groups.createGroup('demo', 'flaky');
    await failNext('POST', '/v2/groups/demo/flaky');
    expect(await groups.retrieveGroup('demo', 'flaky')).toEqual({ members: [], metadata: {} });
    await failNext('PUT', '/v2/groups/demo/flaky/metadata');
    await groups.updateGroupMetadata('demo', 'flaky', { a: 1 });
    expect(await groups.getGroupMetadata('demo', 'flaky')).toEqual({ a: 1 });
  });

  it('never repeats what creates or adds: create, register, member changes', async () => {
    const groups = retrying();
    await failNext('POST', '/v2/groups/demo');
    await expect(groups.createGroup('demo', 'once')).rejects.toMatchObject({ status: 503 });
    await failNext('PUT', '/v2/groups/demo');
    await expect(
      groups.registerGroup('demo', 'once', { uri: 's3://a/once' }),
    ).rejects.toMatchObject({
      status: 503,
    });
    await groups.createGroup('demo', 'holder');
    await failNext('PATCH', '/v2/groups/demo/holder');
    await expect(
      groups.addMembers('demo', 'holder', { uri: 's3://a/x', type: 'ARRAY' }),
    ).rejects.toMatchObject({ status: 503 });
    expect(await groups.groupExists('demo', 'once')).toBe(false);
    expect((await groups.retrieveGroup('demo', 'holder')).members).toEqual([]);
  });
});

describe('options forwarded from optional values', () => {
  // Under exactOptionalPropertyTypes, `{ credentialsName: maybe }` with `maybe: string |
  // undefined` must typecheck (this file is typechecked) and mean the same as leaving it out.
  it('an option given as undefined is the option left out', async () => {
    const { demo } = t;
    const maybe = (value?: string): string | undefined => value;
    await demo.createGroup('demo', 'plain', {
      description: maybe(),
      credentialsName: maybe(),
      config: undefined,
    });
    await demo.addMembers('demo', 'plain', [{ uri: 's3://b/a', type: 'ARRAY', name: maybe() }], {
      credentialsName: maybe(),
    });
    expect(await demo.retrieveGroup('demo', 'plain', { credentialsName: maybe() })).toEqual({
      members: [{ name: 'a', uri: 's3://b/a', type: 'ARRAY' }],
      metadata: {},
    });
    await demo.updateGroupContents('demo', 'plain', {
      members_to_add: undefined,
      members_to_remove: ['a'],
    });
    await demo.deregisterGroup('demo', 'plain', { recursive: undefined, credentialsName: maybe() });
    expect(await demo.groupExists('demo', 'plain', { credentialsName: maybe() })).toBe(false);
  });
});

describe('a name with control characters', () => {
  // None is created, but one made elsewhere is still reached (encoded), so it can be cleaned up.
  it('is still addressed by reads (groupExists, retrieveGroup)', async () => {
    expect(await t.demo.groupExists('demo', 'odd\tname')).toBe(false);
    await expect(t.demo.retrieveGroup('demo', 'odd\tname')).rejects.toMatchObject({ status: 404 });
  });
});
