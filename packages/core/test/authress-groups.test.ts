import {
  formatIfUnmodifiedSince,
  GetGroupsQuerySchema,
  GROUP_MAX_SERIALIZED_BYTES,
  GroupCollectionSchema,
  GroupIdParamSchema,
  GroupRequestFieldsSchema,
  GroupRequestSchema,
  GroupSchema,
  groupSerializedSize,
  IfUnmodifiedSinceSchema,
  isGroupId,
  isIfUnmodifiedSince,
  toGroupRequestBody,
} from '@iamkit/core';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';

const users = (n: number, prefix = 'user') =>
  Array.from({ length: n }, (_, i) => ({ userId: `${prefix}|${i}` }));

function firstIssue(schema: v.GenericSchema, value: unknown) {
  const result = v.safeParse(schema, value);
  if (result.success) return undefined;
  const issue = result.issues[0];
  return { path: v.getDotPath(issue) ?? '', message: issue.message };
}

describe('GroupRequestSchema', () => {
  it('accepts a minimal group and one read back from the server', () => {
    expect(v.is(GroupRequestSchema, { name: 'Editors', users: [], admins: [] })).toBe(true);
    const fromServer = {
      groupId: 'grp_abc-1_2',
      name: 'Editors',
      users: [{ userId: 'oauth2|me@example.com' }, { userId: 'Jane Doe+1' }],
      admins: [],
      tags: { team: 'blue' },
      lastUpdated: '2026-01-01T00:00:00.000Z',
      links: { self: { href: 'https://x.api.authress.io/v1/groups/grp_abc-1_2' } },
    };
    expect(v.is(GroupRequestSchema, fromServer)).toBe(true);
    expect(toGroupRequestBody(fromServer)).toEqual({
      groupId: 'grp_abc-1_2',
      name: 'Editors',
      users: fromServer.users,
      admins: [],
      tags: { team: 'blue' },
    });
  });

  it('keeps every tag key, __proto__, constructor and prototype included, on both sides', () => {
    const tags = JSON.parse('{"__proto__":"p","constructor":"c","prototype":"x","team":"blue"}');
    const group = { name: 'Editors', users: [], admins: [], tags };
    const sent = v.parse(GroupRequestSchema, group);
    expect(Object.keys(sent.tags ?? {})).toEqual(['__proto__', 'constructor', 'prototype', 'team']);
    expect(JSON.parse(JSON.stringify(sent)).tags).toEqual(tags);
    // Every key is an own property of an object without a prototype, `__proto__` included.
    expect(Object.getPrototypeOf(sent.tags)).toBeNull();
    expect(Object.getOwnPropertyDescriptor(sent.tags, '__proto__')?.value).toBe('p');
    const read = v.parse(GroupSchema, group);
    expect(JSON.stringify(read.tags)).toBe(JSON.stringify(tags));
    // A bad value is named by its key.
    expect(firstIssue(GroupRequestSchema, { ...group, tags: { constructor: 5 } })).toEqual({
      path: 'tags.constructor',
      message: 'tag values must be strings',
    });
    expect(firstIssue(GroupRequestSchema, { ...group, tags: ['a'] })?.path).toBe('tags');
  });

  it('names the field and the rule that failed', () => {
    expect(
      firstIssue(GroupRequestSchema, { groupId: 'abc', name: 'x', users: [], admins: [] }),
    ).toEqual({
      path: 'groupId',
      message: 'groupId must start with "grp_" and contain only letters, digits, "-" and "_"',
    });
    expect(
      firstIssue(GroupRequestSchema, { groupId: 'grp_', name: 'x', users: [], admins: [] })?.path,
    ).toBe('groupId');
    expect(firstIssue(GroupRequestSchema, { name: '', users: [], admins: [] })).toEqual({
      path: 'name',
      message: 'name must not be empty',
    });
    expect(
      firstIssue(GroupRequestSchema, { name: 'n'.repeat(129), users: [], admins: [] })?.message,
    ).toBe('name must be at most 128 characters');
    expect(firstIssue(GroupRequestSchema, { name: 'x', users: users(101), admins: [] })).toEqual({
      path: 'users',
      message: 'users has 101 entries; at most 100 are allowed',
    });
    expect(firstIssue(GroupRequestSchema, { name: 'x', users: [], admins: users(101) })?.path).toBe(
      'admins',
    );
    expect(
      firstIssue(GroupRequestSchema, {
        name: 'x',
        users: [{ userId: 'a' }, { userId: 'bad!' }],
        admins: [],
      })?.path,
    ).toBe('users.1.userId');
    expect(
      firstIssue(GroupRequestSchema, { name: 'x', users: [], admins: [], extra: 1 })?.path,
    ).toBe('extra');
    expect(firstIssue(GroupRequestSchema, { name: 'x', admins: [] })?.path).toBe('users');
  });

  it('allows exactly 100 users and 100 admins', () => {
    expect(
      v.is(GroupRequestSchema, { name: 'x', users: users(100), admins: users(100, 'admin') }),
    ).toBe(true);
  });

  it('refuses a group over ~100 KB, counting UTF-8 bytes', () => {
    const big = { name: 'x', users: [], admins: [], tags: {} as Record<string, string> };
    let i = 0;
    while (groupSerializedSize(big) <= GROUP_MAX_SERIALIZED_BYTES)
      big.tags[`k${i++}`] = 'é'.repeat(120);
    const issue = firstIssue(GroupRequestSchema, big);
    expect(issue?.message).toMatch(/^group is \d+ bytes as JSON; the limit is 102400 bytes/);
    delete big.tags[`k${i - 1}`];
    expect(v.is(GroupRequestSchema, big)).toBe(true);
  });
});

describe('response models are lenient', () => {
  it('keeps unknown fields and tolerates a missing optional field', () => {
    const group = v.parse(GroupSchema, { name: 'n', users: [], admins: [], newField: 1 });
    expect(group).toEqual({ name: 'n', users: [], admins: [], newField: 1 });
    const page = v.parse(GroupCollectionSchema, {
      groups: [group],
      links: { self: null, next: null },
      pagination: { next: null },
    });
    expect(page.groups).toHaveLength(1);
  });
});

describe('parameters and helpers', () => {
  it('validates getGroups query parameters', () => {
    expect(v.is(GetGroupsQuerySchema, { limit: 20, cursor: 'c', filter: 'f' })).toBe(true);
    expect(firstIssue(GetGroupsQuerySchema, { limit: 21 })?.message).toBe(
      'limit must be at most 20',
    );
    expect(firstIssue(GetGroupsQuerySchema, { limit: 0 })?.message).toBe(
      'limit must be at least 1',
    );
    expect(firstIssue(GetGroupsQuerySchema, { filter: 'f'.repeat(65) })?.path).toBe('filter');
  });

  it('path ids need only a length, body ids need the grp_ prefix', () => {
    expect(v.is(GroupIdParamSchema, 'legacy-id')).toBe(true);
    expect(v.is(GroupIdParamSchema, '')).toBe(false);
    expect(isGroupId('grp_1')).toBe(true);
    expect(isGroupId('legacy-id')).toBe(false);
    expect(isGroupId(`grp_${'a'.repeat(61)}`)).toBe(false);
  });

  it('formats If-Unmodified-Since as ISO 8601 and refuses nonsense', () => {
    expect(formatIfUnmodifiedSince(new Date(Date.UTC(2023, 7, 23, 14, 1, 12)))).toBe(
      '2023-08-23T14:01:12.000Z',
    );
    expect(v.is(IfUnmodifiedSinceSchema, '2023-08-23T14:01:12Z')).toBe(true);
    expect(v.is(IfUnmodifiedSinceSchema, formatIfUnmodifiedSince(new Date('nope')))).toBe(false);
    expect(v.is(IfUnmodifiedSinceSchema, 'yesterday')).toBe(false);
    // One issue for one mistake (the shape check and the calendar check do not both speak).
    for (const bad of [
      'yesterday',
      formatIfUnmodifiedSince(new Date('nope')),
      '2023-13-23T14:01:12Z',
    ]) {
      expect(v.safeParse(IfUnmodifiedSinceSchema, bad).issues, bad).toHaveLength(1);
    }
  });

  it('If-Unmodified-Since takes an ISO 8601 date-time only, not whatever Date.parse reads', () => {
    for (const iso of [
      '2023-08-23T14:01:12Z',
      '2023-08-23T14:01:12.161Z',
      '2023-08-23T14:01:12.161000+00:00', // Python's isoformat()
      '2023-08-23T16:01:12+02:00',
      '2023-08-23T14:01Z',
    ]) {
      expect(v.is(IfUnmodifiedSinceSchema, iso), iso).toBe(true);
      expect(isIfUnmodifiedSince(iso), iso).toBe(true);
    }
    for (const notIso of [
      'Sun, 22 Nov 2026 04:58:45 GMT', // an HTTP-date
      '1', // V8 reads it as 2001-01-01
      '2999-01-01', // a date without a time
      '12/01/2026', // local time, and ambiguous
      '2023-08-23T14:01:12', // no time zone: local time
      '2023-08-23 14:01:12Z',
      '2023-13-23T14:01:12Z', // the right shape but no such month
    ]) {
      expect(isIfUnmodifiedSince(notIso), notIso).toBe(false);
      expect(firstIssue(IfUnmodifiedSinceSchema, notIso), notIso).toEqual({
        path: '',
        message: expect.stringMatching(
          /^expectedLastModifiedTime must be an ISO 8601 date-time .*such as 2023-08-23T14:01:12Z/,
        ),
      });
    }
  });
});

describe('GroupRequestFieldsSchema', () => {
  it('has every rule of GroupRequestSchema but the size, which a server answers with 413', () => {
    const tags: Record<string, string> = {};
    for (let i = 0; i < 900; i++) tags[`k${i}`] = 'v'.repeat(120);
    const big = { name: 'big', users: [], admins: [], tags };
    expect(groupSerializedSize(big)).toBeGreaterThan(GROUP_MAX_SERIALIZED_BYTES);
    expect(v.is(GroupRequestFieldsSchema, big)).toBe(true);
    expect(v.is(GroupRequestSchema, big)).toBe(false);
    expect(
      firstIssue(GroupRequestFieldsSchema, { name: 'x', users: users(101), admins: [] }),
    ).toEqual(firstIssue(GroupRequestSchema, { name: 'x', users: users(101), admins: [] }));
  });
});
