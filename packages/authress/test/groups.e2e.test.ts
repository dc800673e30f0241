/** Every operation through AuthressGroupsClient against the real mock server. */
import {
  ConflictError,
  GroupModifiedError,
  NotFoundError,
  PreconditionFailedError,
} from '@iamkit/authress';
import { ConnectionError, InternalServerError } from '@iamkit/transport';
import { describe, expect, it } from 'vitest';
import { useHarness } from './helpers.js';

const h = useHarness();

async function allGroupIds(): Promise<string[]> {
  const ids: string[] = [];
  for await (const group of h.client.listAllGroups()) ids.push(group.groupId!);
  return ids;
}

describe('create, read, list, update, delete', () => {
  it('creates a group with a generated grp_ id and reads it back', async () => {
    const created = await h.client.createGroup({
      name: 'Editors',
      users: [{ userId: 'oauth2|alice' }],
      admins: [{ userId: 'oauth2|bob' }],
      tags: { team: 'docs' },
    });
    expect(created.groupId).toMatch(/^grp_[a-zA-Z0-9_-]+$/);
    expect(created).toMatchObject({
      name: 'Editors',
      users: [{ userId: 'oauth2|alice' }],
      admins: [{ userId: 'oauth2|bob' }],
      tags: { team: 'docs' },
    });
    expect(Date.parse(created.lastUpdated!)).not.toBeNaN();
    expect(created.links?.self?.href).toBe(`${h.server.authressUrl}/v1/groups/${created.groupId}`);

    const read = await h.client.getGroup(created.groupId!);
    expect(read).toEqual(created);
  });

  it('uses a caller-chosen groupId and refuses a duplicate with 409', async () => {
    const created = await h.client.createGroup({
      groupId: 'grp_chosen',
      name: 'A',
      users: [],
      admins: [],
    });
    expect(created.groupId).toBe('grp_chosen');
    const error = await h.client
      .createGroup({ groupId: 'grp_chosen', name: 'B', users: [], admins: [] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).status).toBe(409);
    expect((error as ConflictError).authress?.errorCode).toBe('Conflict');
    expect((await h.client.getGroup('grp_chosen')).name).toBe('A');
  });

  it('lists one page with links and no cursor on the last page', async () => {
    for (const name of ['one', 'two', 'three']) {
      await h.client.createGroup({ name, users: [], admins: [] });
    }
    const first = await h.client.getGroups({ limit: 2 });
    expect(first.groups.map((g) => g.name)).toEqual(['one', 'two']);
    const cursor = first.pagination?.next?.cursor;
    expect(cursor).toEqual(expect.any(String));
    expect(first.links.self?.href).toBe(`${h.server.authressUrl}/v1/groups?limit=2`);
    expect(first.links.next?.href).toContain(`cursor=${encodeURIComponent(cursor!)}`);

    const second = await h.client.getGroups({ limit: 2, cursor: cursor! });
    expect(second.groups.map((g) => g.name)).toEqual(['three']);
    expect(second.pagination?.next ?? null).toBeNull();
    expect(second.links.next ?? null).toBeNull();
  });

  it('filters case-insensitively through names, user ids and tags', async () => {
    await h.client.createGroup({ name: 'Billing Admins', users: [], admins: [] });
    await h.client.createGroup({ name: 'x', users: [{ userId: 'oauth2|BILL' }], admins: [] });
    await h.client.createGroup({ name: 'y', users: [], admins: [], tags: { cost: 'billable' } });
    await h.client.createGroup({ name: 'Readers', users: [], admins: [] });
    const names = [];
    for await (const g of h.client.listAllGroups({ filter: 'bIlL' })) names.push(g.name);
    expect(names).toEqual(['Billing Admins', 'x', 'y']);
  });

  it('replaces a group, ignoring read-only fields, and advances lastUpdated', async () => {
    const created = await h.client.createGroup({
      name: 'Team',
      users: [{ userId: 'a' }],
      admins: [],
    });
    const updated = await h.client.updateGroup(created.groupId!, {
      ...created,
      users: [...created.users, { userId: 'b' }],
    });
    expect(updated.users).toEqual([{ userId: 'a' }, { userId: 'b' }]);
    expect(Date.parse(updated.lastUpdated!)).toBeGreaterThan(Date.parse(created.lastUpdated!));
    expect(await h.client.getGroup(created.groupId!)).toEqual(updated);
  });

  it('updates of a missing group are 404', async () => {
    await expect(
      h.client.updateGroup('grp_missing', { name: 'x', users: [], admins: [] }),
    ).rejects.toBeInstanceOf(NotFoundError);
  });

  it('deletes a group; deleting or reading it again is 404', async () => {
    const created = await h.client.createGroup({ name: 'Temp', users: [], admins: [] });
    await expect(h.client.deleteGroup(created.groupId!)).resolves.toBeUndefined();
    await expect(h.client.getGroup(created.groupId!)).rejects.toBeInstanceOf(NotFoundError);
    const error = await h.client.deleteGroup(created.groupId!).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).authress?.title).toContain(created.groupId!);
  });
});

describe('free-form tags', () => {
  it('keep every key through the client, __proto__, constructor and prototype included', async () => {
    const tags = JSON.parse('{"__proto__":"p","constructor":"c","prototype":"x","team":"docs"}');
    const created = await h.client.createGroup({ name: 'Tags', users: [], admins: [], tags });
    expect(JSON.stringify(created.tags)).toBe(JSON.stringify(tags));
    const updated = await h.client.updateGroup(created.groupId!, { ...created, name: 'Tags 2' });
    expect(JSON.stringify(updated.tags)).toBe(JSON.stringify(tags));
    const read = await h.client.getGroup(created.groupId!);
    expect(read.tags?.['constructor']).toBe('c');
    expect(Object.keys(read.tags ?? {})).toEqual(['__proto__', 'constructor', 'prototype', 'team']);
  });
});

describe('optimistic concurrency', () => {
  it('a concurrent update gets 412 as GroupModifiedError', async () => {
    const original = await h.client.createGroup({ name: 'Shared', users: [], admins: [] });
    // Two editors read the same version.
    const alice = await h.client.getGroup(original.groupId!);
    const bob = await h.client.getGroup(original.groupId!);

    await h.client.updateGroup(
      alice.groupId!,
      { ...alice, users: [{ userId: 'alice' }] },
      { expectedLastModifiedTime: alice.lastUpdated! },
    );
    const error = await h.client
      .updateGroup(
        bob.groupId!,
        { ...bob, users: [{ userId: 'bob' }] },
        { expectedLastModifiedTime: new Date(bob.lastUpdated!) },
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GroupModifiedError);
    expect(error).toBeInstanceOf(PreconditionFailedError);
    const modified = error as GroupModifiedError;
    expect(modified.status).toBe(412);
    expect(modified.code).toBe('group_modified');
    expect(modified.groupId).toBe(original.groupId);
    expect(modified.message).toContain('changed since it was read');
    expect((await h.client.getGroup(original.groupId!)).users).toEqual([{ userId: 'alice' }]);
  });

  it('an update with the current lastUpdated goes through', async () => {
    const group = await h.client.createGroup({ name: 'G', users: [], admins: [] });
    const updated = await h.client.updateGroup(
      group.groupId!,
      { ...group, name: 'G2' },
      { expectedLastModifiedTime: group.lastUpdated! },
    );
    expect(updated.name).toBe('G2');
  });

  it('two updates racing with the same expected time: exactly one wins', async () => {
    const group = await h.client.createGroup({ name: 'Race', users: [], admins: [] });
    const results = await Promise.allSettled(
      ['first', 'second'].map((name) =>
        h.client.updateGroup(
          group.groupId!,
          { ...group, name },
          { expectedLastModifiedTime: group.lastUpdated! },
        ),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.filter((r) => r.status === 'rejected');
    expect(rejected).toHaveLength(1);
    expect((rejected[0] as PromiseRejectedResult).reason).toBeInstanceOf(GroupModifiedError);
  });

  it('the server answers 412 to a stale If-Unmodified-Since and 400 to a malformed one', async () => {
    const group = await h.client.createGroup({ name: 'Raw', users: [], admins: [] });
    const body = { name: 'Raw', users: [], admins: [] };
    const stale = await h.raw(`/v1/groups/${group.groupId}`, {
      method: 'PUT',
      json: body,
      headers: { 'if-unmodified-since': '2000-01-01T00:00:00Z' },
    });
    expect(stale.status).toBe(412);
    expect(await stale.json()).toMatchObject({ errorCode: 'PreconditionFailed' });
    const malformed = await h.raw(`/v1/groups/${group.groupId}`, {
      method: 'PUT',
      json: body,
      headers: { 'if-unmodified-since': 'last tuesday' },
    });
    expect(malformed.status).toBe(400);
  });
});

describe('a delete is not retried', () => {
  it('a delete whose response was lost fails with the network error, not a 404 from a retry', async () => {
    const group = await h.client.createGroup({ name: 'Doomed', users: [], admins: [] });
    await h.fault({ method: 'DELETE', path: '/authress/v1/groups/*', dropAfter: true, times: 1 });
    const error = await h.client.deleteGroup(group.groupId!).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).attempts).toBe(1);
    expect(await h.requests('DELETE')).toHaveLength(1);
    // It did apply: the group is gone.
    await expect(h.client.getGroup(group.groupId!)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('nor after a 503', async () => {
    const group = await h.client.createGroup({ name: 'Kept', users: [], admins: [] });
    await h.fault({ method: 'DELETE', path: '/authress/v1/groups/*', status: 503, times: 1 });
    const error = await h.client.deleteGroup(group.groupId!).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InternalServerError);
    expect((error as InternalServerError).attempts).toBe(1);
    expect((await h.client.getGroup(group.groupId!)).name).toBe('Kept');
  });
});

describe('retries never duplicate a create', () => {
  it('a create without groupId is not retried after a dropped connection', async () => {
    await h.fault({ method: 'POST', path: '/authress/v1/groups', drop: true, times: 1 });
    const error = await h.client
      .createGroup({ name: 'Once', users: [], admins: [] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).attempts).toBe(1);
    expect(await allGroupIds()).toEqual([]);
  });

  it('a create without groupId is not retried after a 503 either', async () => {
    await h.fault({ method: 'POST', path: '/authress/v1/groups', status: 503, times: 1 });
    const error = await h.client
      .createGroup({ name: 'Once', users: [], admins: [] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InternalServerError);
    expect((error as InternalServerError).attempts).toBe(1);
  });

  it('a create with a chosen groupId is retried and the group exists once', async () => {
    await h.fault({ method: 'POST', path: '/authress/v1/groups', drop: true, times: 1 });
    const created = await h.client.createGroup({
      groupId: 'grp_retry_safe',
      name: 'Retried',
      users: [],
      admins: [],
    });
    expect(created.groupId).toBe('grp_retry_safe');
    expect(await allGroupIds()).toEqual(['grp_retry_safe']);
  });

  it('a retried create whose first response was lost returns the group it created', async () => {
    // The server creates the group, then the response is lost: the retry gets 409.
    await h.fault({ method: 'POST', path: '/authress/v1/groups', dropAfter: true, times: 1 });
    const sent = {
      groupId: 'grp_lost_response',
      name: 'Lost response',
      users: [{ userId: 'oauth2|alice' }, { userId: 'oauth2|bob' }],
      admins: [{ userId: 'oauth2|carol' }],
      tags: { team: 'docs' },
    };
    const created = await h.client.createGroup(sent);
    expect(created).toMatchObject(sent);
    expect(created.lastUpdated).toEqual(expect.any(String));
    expect(await allGroupIds()).toEqual(['grp_lost_response']);
    const posts = await h.requests('POST', '/authress/v1/groups');
    expect(posts.map((r) => [r.status, r.dropped === true])).toEqual([
      [201, true],
      [409, false],
    ]);
  });

  it('a retried create that meets a different group with its id says an earlier attempt may have created it', async () => {
    await h.client.createGroup({ groupId: 'grp_taken', name: 'Theirs', users: [], admins: [] });
    // The first attempt is lost on the way (never handled), the retry meets their group.
    await h.fault({ method: 'POST', path: '/authress/v1/groups', drop: true, times: 1 });
    const error = await h.client
      .createGroup({ groupId: 'grp_taken', name: 'Mine', users: [], admins: [] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).status).toBe(409);
    expect((error as ConflictError).attempts).toBe(2);
    expect((error as ConflictError).message).toMatch(
      /Group grp_taken already exists.*retried \(2 attempts\), so an earlier attempt may have created group grp_taken.*differs from what was sent/,
    );
    expect((await h.client.getGroup('grp_taken')).name).toBe('Theirs');
  });

  it('a plain duplicate (one attempt) is the ConflictError as the server worded it', async () => {
    await h.client.createGroup({ groupId: 'grp_dup', name: 'Same', users: [], admins: [] });
    const error = await h.client
      .createGroup({ groupId: 'grp_dup', name: 'Same', users: [], admins: [] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).attempts).toBe(1);
    expect((error as ConflictError).message).not.toMatch(/retried/);
  });

  it('reads are retried after a dropped connection', async () => {
    const group = await h.client.createGroup({ name: 'R', users: [], admins: [] });
    await h.fault({ method: 'GET', path: '/authress/v1/groups/*', drop: true, times: 1 });
    expect((await h.client.getGroup(group.groupId!)).name).toBe('R');
  });
});
