/** The failure paths: unknown group, someone else's namespace, duplicates, bad input. */
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  apiKeyAuth,
  BadRequestError,
  ConfigError,
  ConflictError,
  ConnectionError,
  GroupsClient,
  NotFoundError,
  PermissionDeniedError,
  RequestValidationError,
  Transport,
} from '../src/index.js';
import { useMockServer } from './helpers.js';

const t = useMockServer();

describe('an unknown group', () => {
  it('is a NotFoundError for every operation, and false for the probe', async () => {
    const calls = [
      () => t.demo.retrieveGroup('demo', 'ghost'),
      () => t.demo.addMembers('demo', 'ghost', { uri: 's3://x/y', type: 'ARRAY' }),
      () => t.demo.getGroupMetadata('demo', 'ghost'),
      () => t.demo.updateGroupMetadata('demo', 'ghost', { a: 1 }),
      () => t.demo.deregisterGroup('demo', 'ghost'),
    ];
    for (const call of calls) {
      const error = await call().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NotFoundError);
      expect((error as NotFoundError).status).toBe(404);
      expect((error as NotFoundError).tiledb?.message).toBe(
        'Group "ghost" was not found in namespace "demo"',
      );
      expect((error as NotFoundError).requestId).toBeTruthy();
    }
    expect(await t.demo.groupExists('demo', 'ghost')).toBe(false);
  });

  it('as a register parent is a NotFoundError, and nothing is registered', async () => {
    await expect(
      t.demo.registerGroup('demo', 'orphan', { uri: 's3://a/orphan', parent: 'nope' }),
    ).rejects.toThrow(/Parent group "nope" was not found in namespace "demo"/);
    expect(await t.demo.groupExists('demo', 'orphan')).toBe(false);
  });
});

describe("another user's namespace", () => {
  it('looks exactly like a namespace that does not exist', async () => {
    await t.demo.createGroup('demo', 'private');
    const error = await t.member.retrieveGroup('demo', 'private').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).message).toMatch(/Namespace "demo" was not found/);
    await expect(t.member.createGroup('demo', 'intruder')).rejects.toBeInstanceOf(NotFoundError);
    await expect(t.member.deregisterGroup('demo', 'private')).rejects.toBeInstanceOf(NotFoundError);
    expect(await t.member.groupExists('demo', 'private')).toBe(false);
    expect(await t.demo.groupExists('demo', 'private')).toBe(true);
  });

  it('an organization role without write access is a PermissionDeniedError', async () => {
    await t.demo.createGroup('demo-org', 'team');
    for (const call of [
      () => t.member.createGroup('demo-org', 'mine'),
      () => t.member.updateGroupMetadata('demo-org', 'team', { a: 1 }),
      () => t.member.addMembers('demo-org', 'team', { uri: 's3://x/y', type: 'ARRAY' }),
      () => t.member.deregisterGroup('demo-org', 'team'),
    ]) {
      const error = await call().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PermissionDeniedError);
      expect((error as PermissionDeniedError).message).toMatch(/read_only.*write access/);
    }
    // Reading is allowed.
    expect(await t.member.retrieveGroup('demo-org', 'team')).toEqual({ members: [], metadata: {} });
  });

  it('is never revealed through its storage URI, and a recursive deregister leaves it alone', async () => {
    await t.member.createGroup('demo-member', 'theirs', { uri: 's3://bucket/their-storage' });
    await t.member.updateGroupMetadata('demo-member', 'theirs', { owner: 'demo-member' });
    await t.demo.createGroup('demo-org', 'team');
    // demo cannot name a group it cannot read...
    await expect(
      t.demo.addMembers('demo-org', 'team', { uri: 'tiledb://demo-member/theirs', type: 'GROUP' }),
    ).rejects.toBeInstanceOf(BadRequestError);
    // ...and its storage URI is plain storage to demo: added as an array or a group alike,
    // named after the URI, never after the group.
    await t.demo.addMembers('demo-org', 'team', {
      uri: 's3://bucket/their-storage',
      type: 'ARRAY',
    });
    await t.demo.removeMembers('demo-org', 'team', 's3://bucket/their-storage');
    await t.demo.addMembers('demo-org', 'team', {
      uri: 's3://bucket/their-storage',
      type: 'GROUP',
    });
    expect((await t.demo.retrieveGroup('demo-org', 'team')).members).toEqual([
      { name: 'their-storage', uri: 's3://bucket/their-storage', type: 'GROUP' },
    ]);
    // Registering over the same storage is not refused: a 409 would reveal the group.
    await t.demo.registerGroup('demo', 'mine', { uri: 's3://bucket/their-storage' });
    await t.demo.deregisterGroup('demo', 'mine');
    // The recursive deregister removes demo's group and neither names nor touches theirs.
    await t.demo.deregisterGroup('demo-org', 'team', { recursive: true });
    expect(await t.demo.groupExists('demo-org', 'team')).toBe(false);
    expect(await t.member.retrieveGroup('demo-member', 'theirs')).toEqual({
      members: [],
      metadata: { owner: 'demo-member' },
    });
  });
});

describe('duplicates and absent members', () => {
  it('a taken name is a ConflictError', async () => {
    await t.demo.createGroup('demo', 'taken');
    const error = await t.demo.createGroup('demo', 'taken').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).tiledb?.message).toBe(
      'A group named "taken" already exists in namespace "demo"',
    );
    await expect(t.demo.registerGroup('demo', 'taken', { uri: 's3://a/b' })).rejects.toBeInstanceOf(
      ConflictError,
    );
    // The same name in another namespace is fine.
    await t.demo.createGroup('demo-org', 'taken');
  });

  it('storage that is already a group cannot be registered again', async () => {
    await t.demo.registerGroup('demo', 'first', { uri: 's3://acme/data/' });
    await expect(t.demo.registerGroup('demo', 'second', { uri: 'S3://acme/data' })).rejects.toThrow(
      /Storage S3:\/\/acme\/data is already registered as group tiledb:\/\/demo\/first/,
    );
  });

  it('adding a member twice or removing an absent one is a BadRequestError and changes nothing', async () => {
    await t.demo.createGroup('demo', 'box');
    await t.demo.addMembers('demo', 'box', { uri: 's3://acme/a', type: 'ARRAY' });

    const twice = await t.demo
      .addMembers('demo', 'box', { uri: 's3://acme/a/', type: 'ARRAY', name: 'again' })
      .catch((e: unknown) => e);
    expect(twice).toBeInstanceOf(BadRequestError);
    expect((twice as Error).message).toMatch(
      /s3:\/\/acme\/a\/ is already a member of group tiledb:\/\/demo\/box/,
    );

    const sameName = t.demo.addMembers('demo', 'box', {
      uri: 's3://acme/b',
      type: 'ARRAY',
      name: 'a',
    });
    await expect(sameName).rejects.toThrow(/already has a member named "a"/);

    const absent = await t.demo
      .updateGroupContents('demo', 'box', {
        members_to_add: [{ uri: 's3://acme/c', type: 'ARRAY' }],
        members_to_remove: ['s3://acme/never'],
      })
      .catch((e: unknown) => e);
    expect(absent).toBeInstanceOf(BadRequestError);
    expect((absent as Error).message).toMatch(
      /members_to_remove\[0\]: "s3:\/\/acme\/never" is not a member of group tiledb:\/\/demo\/box/,
    );
    expect((await t.demo.retrieveGroup('demo', 'box')).members).toEqual([
      { name: 'a', uri: 's3://acme/a', type: 'ARRAY' },
    ]);
  });

  it('a group cannot contain itself, and a group is added as GROUP', async () => {
    const { id } = await t.demo.createGroup('demo', 'self');
    await expect(
      t.demo.addMembers('demo', 'self', { uri: `tiledb://demo/${id}`, type: 'GROUP' }),
    ).rejects.toThrow(/cannot be a member of itself/);
    await t.demo.createGroup('demo', 'other');
    await expect(
      t.demo.addMembers('demo', 'self', { uri: 'tiledb://demo/other', type: 'ARRAY' }),
    ).rejects.toThrow(/is a group; add it with type GROUP, not ARRAY/);
  });
});

describe('bad input is refused before anything is sent', () => {
  async function refused(call: () => Promise<unknown>) {
    const error = await call().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestValidationError);
    return error as RequestValidationError;
  }

  it('names the bad field', async () => {
    const cases: Array<[() => Promise<unknown>, string, RegExp]> = [
      [() => t.demo.createGroup('', 'g'), 'namespace', /namespace must not be empty/],
      [() => t.demo.retrieveGroup('demo', 'a/b'), 'name', /name must not contain "\/"/],
      // A name no URL can address would create a group nothing could reach again.
      [() => t.demo.createGroup('demo', '..'), 'name', /name must not be "\.\."/],
      [
        () => t.demo.createGroup('demo', 'a\tb'),
        'group_details.name',
        /name must not contain control characters/,
      ],
      [
        () => t.demo.createGroup('demo', 'g', { tags: ['ok', 'Not OK'] }),
        'group_details.tags[1]',
        /tag "Not OK" must contain only lowercase letters and "-"/,
      ],
      [
        () => t.demo.addMembers('demo', 'g', { uri: 's3://a/b', type: 'TABLE' as 'ARRAY' }),
        'group_changes.members_to_add[0].type',
        /type must be "GROUP" or "ARRAY", got "TABLE"/,
      ],
      [
        () => t.demo.addMembers('demo', 'g', [{ type: 'ARRAY' } as { uri: string; type: 'ARRAY' }]),
        'group_changes.members_to_add[0]',
        /uri is required/,
      ],
      [
        () => t.demo.updateGroupMetadata('demo', 'g', { when: new Date() as unknown as string }),
        'metadata.when',
        /expected a string, number, .* got an object/,
      ],
      [
        () => t.demo.updateGroupMetadata('demo', 'g', { ok: 1, m: 2n ** 64n }),
        'metadata.m',
        /metadata\.m: integer out of the 64-bit range/,
      ],
      [
        () => t.demo.updateGroupMetadata('demo', 'g', { mix: [1n, 1.5] }),
        'metadata.mix',
        /metadata\.mix: cannot mix bigint and fractional numbers in one value/,
      ],
      [
        () => t.demo.registerGroup('demo', 'g', {} as { uri: string }),
        'group_details.uri',
        /uri is required/,
      ],
      [
        () => t.demo.createGroup('demo', 'g', { colour: 'red' } as object),
        'group_details.colour',
        /unknown field "colour"/,
      ],
      [
        () => t.demo.retrieveGroup('s3://bucket/group'),
        'group',
        /Expected a tiledb:\/\/namespace\/name URI/,
      ],
      [() => t.demo.retrieveGroup('tiledb://demo'), 'group', /name is empty/],
      [
        () => t.demo.retrieveGroup('demo', 5 as unknown as string),
        'name',
        /^name must be a string \(the group in namespace "demo"\); got number$/,
      ],
      [() => t.demo.retrieveGroup('demo'), 'group', /or a namespace and a name; got "demo"$/],
      [
        () => t.demo.registerGroup('demo', 'g', { uri: 's3://a/g', parent: 'tiledb://other/p' }),
        'group_details.parent',
        /must be in the group's namespace "demo", not "other"/,
      ],
      [
        () => t.demo.groupExists('demo', 'g', { credentialsName: '' }),
        'credentialsName',
        /credentialsName must not be empty/,
      ],
      [
        () => t.demo.deregisterGroup('demo', 'g', { recursive: 'yes' as unknown as boolean }),
        'recursive',
        /recursive must be a boolean/,
      ],
    ];
    for (const [call, path, message] of cases) {
      const error = await refused(call);
      expect(error.path).toBe(path);
      expect(error.message).toMatch(message);
    }
    expect(await t.groupRequests()).toEqual([]);
  });

  it('the mock server refuses the same input with a 400 in the TileDB shape', async () => {
    const response = await fetch(`${t.server.url}/v2/groups/demo`, {
      method: 'POST',
      headers: { 'X-TILEDB-REST-API-KEY': 'demo-api-key', 'Content-Type': 'application/json' },
      body: JSON.stringify({ group_details: { name: 'g', tags: ['UPPER'] } }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { code: number; message: string; request_id: string };
    expect(body.message).toMatch(/tags.*UPPER/);
    expect(body.request_id).toBeTruthy();

    const recursive = await fetch(`${t.server.url}/v2/groups/demo/g?recursive=True`, {
      method: 'DELETE',
      headers: { 'X-TILEDB-REST-API-KEY': 'demo-api-key' },
    });
    expect(recursive.status).toBe(400);
    expect(((await recursive.json()) as { message: string }).message).toMatch(
      /recursive must be "true" or "false", got "True"/,
    );
  });
});

describe('authentication and configuration', () => {
  it('a wrong key makes every operation, the probe included, an AuthenticationError', async () => {
    const stranger = new GroupsClient({
      baseUrl: t.server.url,
      auth: apiKeyAuth('not-a-real-key'),
      retry: false,
    });
    await expect(stranger.groupExists('demo', 'x')).rejects.toBeInstanceOf(AuthenticationError);
    await expect(stranger.createGroup('demo', 'x')).rejects.toBeInstanceOf(AuthenticationError);
    const error = await stranger.retrieveGroup('demo', 'x').catch((e: unknown) => e);
    expect(JSON.stringify(error)).not.toContain('not-a-real-key');
  });

  it('shares a transport, and refuses to mix one with its own settings', async () => {
    const transport = new Transport({ baseUrl: t.server.url, auth: apiKeyAuth('demo-api-key') });
    const shared = new GroupsClient({ transport });
    await shared.createGroup('demo', 'shared-transport');
    expect(await t.demo.groupExists('demo', 'shared-transport')).toBe(true);
    expect(() => new GroupsClient({ transport, baseUrl: t.server.url })).toThrow(ConfigError);
  });

  it('refuses a host that carries an API version, which every operation adds itself', () => {
    expect(() => new GroupsClient({ baseUrl: `${t.server.url}/v2` })).toThrow(
      /must not end in \/v2: each operation adds its own/,
    );
    expect(new GroupsClient({ baseUrl: 'api.tiledb.com' }).transport).toBeInstanceOf(Transport);
  });
});

/**
 * A proxy to the mock server that forwards each request, lets the server answer, and then
 * drops the client's connection instead of passing the answer on, for requests `lose`
 * picks: the request went through, only its answer was lost.
 */
async function lossyProxy(target: string, lose: (method: string) => boolean) {
  const upstream = new URL(target);
  const proxy = createServer((req, res) => {
    const body: Buffer[] = [];
    req.on('data', (chunk: Buffer) => body.push(chunk));
    req.on('end', () => {
      const forward = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          path: req.url,
          method: req.method,
          headers: req.headers,
        },
        (answer) => {
          const chunks: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => chunks.push(chunk));
          answer.on('end', () => {
            if (lose(req.method ?? '')) {
              req.socket.destroy();
              return;
            }
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            res.end(Buffer.concat(chunks));
          });
        },
      );
      forward.end(Buffer.concat(body));
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => proxy.close(() => resolve())),
  };
}

describe('a lost answer', () => {
  it('to a deregister is a ConnectionError, not a retry that reports NotFoundError', async () => {
    await t.demo.createGroup('demo', 'lost-answer');
    let lost = 0;
    const proxy = await lossyProxy(t.server.url, (method) => method === 'DELETE' && lost++ === 0);
    try {
      const client = new GroupsClient({
        baseUrl: proxy.url,
        auth: apiKeyAuth('demo-api-key'),
        retry: { limit: 2, baseDelay: 1, maxDelay: 5 },
      });
      const error = await client.deregisterGroup('demo', 'lost-answer').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConnectionError);
      // Sent once: the server deregistered the group, and nothing asked it to again.
      expect(await t.groupRequests()).toEqual([
        'POST /v2/groups/demo',
        'DELETE /v2/groups/demo/lost-answer',
      ]);
      expect(await client.groupExists('demo', 'lost-answer')).toBe(false);
    } finally {
      await proxy.close();
    }
  });
});
