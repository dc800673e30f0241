/** Limits: refused by the client before sending, and by the server when sent anyway. */
import { RequestValidationError } from '@iamkit/authress';
import { GROUP_MAX_SERIALIZED_BYTES } from '@iamkit/core/authress-groups';
import { beforeEach, describe, expect, it } from 'vitest';
import { useHarness, users } from './helpers.js';

const h = useHarness();
let requestsSent = 0;
beforeEach(() => {
  requestsSent = 0;
});

/** A client whose hooks count what actually goes on the wire. */
const counted = () =>
  h.clientWith({
    hooks: {
      beforeRequest() {
        requestsSent++;
      },
    },
  });

function bigTags(): Record<string, string> {
  const tags: Record<string, string> = {};
  for (let i = 0; JSON.stringify(tags).length <= GROUP_MAX_SERIALIZED_BYTES; i++) {
    tags[`tag${i}`] = 'v'.repeat(128);
  }
  return tags;
}

async function rejection(promise: Promise<unknown>): Promise<RequestValidationError> {
  const error = await promise.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(RequestValidationError);
  return error as RequestValidationError;
}

describe('the client refuses bad input before sending', () => {
  const cases: Array<[string, Record<string, unknown>, string, RegExp]> = [
    [
      'a groupId without grp_',
      { groupId: 'abc', name: 'x', users: [], admins: [] },
      'group.groupId',
      /grp_/,
    ],
    ['an empty name', { name: '', users: [], admins: [] }, 'group.name', /must not be empty/],
    [
      'a 129-character name',
      { name: 'n'.repeat(129), users: [], admins: [] },
      'group.name',
      /at most 128/,
    ],
    [
      '101 users',
      { name: 'x', users: users(101), admins: [] },
      'group.users',
      /101 entries; at most 100/,
    ],
    ['101 admins', { name: 'x', users: [], admins: users(101) }, 'group.admins', /at most 100/],
    [
      'a bad userId',
      { name: 'x', users: [{ userId: 'a' }, { userId: 'no!' }], admins: [] },
      'group.users[1].userId',
      /userId may contain/,
    ],
    ['an unknown field', { name: 'x', users: [], admins: [], nmae: 'typo' }, 'group.nmae', /.+/],
    [
      'a group over ~100 KB',
      { name: 'x', users: [], admins: [], tags: bigTags() },
      'group',
      /limit is 102400 bytes/,
    ],
  ];

  it.each(cases)('%s', async (_label, group, path, message) => {
    const client = counted();
    const error = await rejection(client.createGroup(group as never));
    expect(error.path).toBe(path);
    expect(error.message).toMatch(message);
    const update = await rejection(client.updateGroup('grp_x', group as never));
    expect(update.path).toBe(path);
    expect(requestsSent).toBe(0);
    expect((await h.client.getGroups()).groups).toEqual([]);
  });

  it('refuses bad ids, list parameters and expected times', async () => {
    const client = counted();
    expect((await rejection(client.getGroup(''))).path).toBe('groupId');
    expect((await rejection(client.deleteGroup('x'.repeat(65)))).path).toBe('groupId');
    expect((await rejection(client.getGroups({ limit: 21 }))).message).toMatch(/at most 20/);
    expect((await rejection(client.getGroups({ limit: 0 }))).path).toBe('params.limit');
    expect((await rejection(client.getGroups({ filter: 'f'.repeat(65) }))).path).toBe(
      'params.filter',
    );
    expect(() => client.listAllGroups({ limit: 50 })).toThrow(RequestValidationError);
    const since = await rejection(
      client.updateGroup(
        'grp_x',
        { name: 'x', users: [], admins: [] },
        { expectedLastModifiedTime: 'soon' },
      ),
    );
    expect(since.path).toBe('expectedLastModifiedTime');
    expect(requestsSent).toBe(0);
  });

  it('takes an ISO 8601 date-time as expectedLastModifiedTime, not whatever Date.parse reads', async () => {
    const client = counted();
    const group = await client.createGroup({ name: 'Guarded', users: [], admins: [] });
    requestsSent = 0;
    for (const notIso of ['Sun, 22 Nov 2999 04:58:45 GMT', '1', '2999-01-01', '12/01/2999']) {
      const error = await rejection(
        client.updateGroup(group.groupId!, group, { expectedLastModifiedTime: notIso }),
      );
      expect(error.path, notIso).toBe('expectedLastModifiedTime');
      expect(error.message, notIso).toMatch(
        /expectedLastModifiedTime must be an ISO 8601 date-time .*such as 2023-08-23T14:01:12Z/,
      );
    }
    expect(requestsSent).toBe(0);
    expect((await client.getGroup(group.groupId!)).lastUpdated).toBe(group.lastUpdated);
  });

  it('exactly 100 users and 100 admins are fine', async () => {
    const group = await h.client.createGroup({
      name: 'Full',
      users: users(100),
      admins: users(100, 'admin'),
    });
    expect(group.users).toHaveLength(100);
    expect(group.admins).toHaveLength(100);
  });
});

describe('the server enforces the same limits', () => {
  it('400 for more than 100 users or admins, naming the field', async () => {
    for (const field of ['users', 'admins'] as const) {
      const body = { name: 'x', users: [], admins: [], [field]: users(101) };
      const response = await h.raw('/v1/groups', { method: 'POST', json: body });
      expect(response.status).toBe(400);
      const error = (await response.json()) as { title: string; errorCode: string };
      expect(error.errorCode).toBe('InvalidRequest');
      expect(error.title).toContain(field);
    }
  });

  it('413 for a body over ~100 KB', async () => {
    const response = await h.raw('/v1/groups', {
      method: 'POST',
      json: { name: 'x', users: [], admins: [], tags: bigTags() },
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ errorCode: 'PayloadTooLarge' });
    const created = await h.client.createGroup({
      groupId: 'grp_small',
      name: 'x',
      users: [],
      admins: [],
    });
    const update = await h.raw(`/v1/groups/${created.groupId}`, {
      method: 'PUT',
      json: { name: 'x', users: [], admins: [], tags: bigTags() },
    });
    expect(update.status).toBe(413);
  });

  it('400 for a groupId without grp_, and for a body id that contradicts the path', async () => {
    const bad = await h.raw('/v1/groups', {
      method: 'POST',
      json: { groupId: 'nope', name: 'x', users: [], admins: [] },
    });
    expect(bad.status).toBe(400);
    await h.client.createGroup({ groupId: 'grp_a', name: 'a', users: [], admins: [] });
    const mismatch = await h.raw('/v1/groups/grp_a', {
      method: 'PUT',
      json: { groupId: 'grp_b', name: 'a', users: [], admins: [] },
    });
    expect(mismatch.status).toBe(400);
    expect(((await mismatch.json()) as { title: string }).title).toContain('grp_b');
  });
});
