// One install is enough: every error class the transport can throw is importable from here,
// and is the very class the transport throws (so instanceof holds).
import * as transport from '@iamkit/transport';
import { describe, expect, it } from 'vitest';
import type {
  Group,
  Paginator,
  RetryOptions,
  TimeoutOption,
  TransportHooks,
} from '../src/index.js';
import * as pkg from '../src/index.js';

describe('re-exported error classes', () => {
  const errorClasses = Object.entries(transport).filter(
    ([, value]) =>
      typeof value === 'function' &&
      (value === transport.IamkitError || value.prototype instanceof transport.IamkitError),
  );

  it('finds the error classes to check', () => {
    expect(errorClasses.length).toBeGreaterThanOrEqual(19);
  });

  it.each(errorClasses)('exports %s', (name, value) => {
    expect((pkg as Record<string, unknown>)[name]).toBe(value);
  });
});

describe('types a user writes down', () => {
  // Checked by the typecheck step: each must be importable from @iamkit/authress alone.
  it('exports the option and paginator types', () => {
    const retry: RetryOptions = { limit: 1 };
    const timeout: TimeoutOption = 1_000;
    const hooks: TransportHooks = { onError: () => undefined };
    const client = new pkg.AuthressGroupsClient({
      authressApiUrl: 'http://127.0.0.1:1',
      token: 't',
      retry,
      timeout,
      hooks,
    });
    const all: Paginator<Group> = client.listAllGroups();
    expect(typeof all[Symbol.asyncIterator]).toBe('function');
  });
});

describe('response types', () => {
  // Checked by the typecheck step: a misspelt field of a response is a compile error, while
  // fields a newer server adds still arrive at runtime.
  it('know their fields, and keep free-form tags', () => {
    const group: Group = {
      groupId: 'grp_a',
      name: 'A',
      users: [{ userId: 'u' }],
      admins: [],
      tags: { team: 'x' },
    };
    // @ts-expect-error groupID is not a field of Group (groupId is)
    expect(group.groupID).toBeUndefined();
    // @ts-expect-error userID is not a field of User (userId is)
    expect(group.users[0]?.userID).toBeUndefined();
    const tag: string | undefined = group.tags?.['team'];
    expect(tag).toBe('x');
  });
});
