// One install is enough: every error class the transport can throw is importable from here,
// and is the very class the transport throws (so instanceof holds).
import * as transport from '@iamkit/transport';
import { describe, expect, it } from 'vitest';
import type {
  GroupContentsRetrievalResponse,
  GroupCreationDetails,
  GroupCreationResponse,
  RetryOptions,
  TileDBConfigRequest,
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
  // Checked by the typecheck step: each must be importable from @iamkit/groups alone.
  it('exports the option and model types', () => {
    const retry: RetryOptions = { limit: 1 };
    const timeout: TimeoutOption = { attempt: 1_000 };
    const hooks: TransportHooks = { onError: () => undefined };
    const details: Omit<GroupCreationDetails, 'name'> = { tags: ['a'] };
    const config: TileDBConfigRequest = { entries: [{ key: 'k', value: 'v' }] };
    const client = new pkg.GroupsClient({ baseUrl: 'http://127.0.0.1:1', retry, timeout, hooks });
    expect(client.transport.baseUrl).toBe('http://127.0.0.1:1');
    expect([details, config]).toHaveLength(2);
  });
});

describe('response types', () => {
  // Checked by the typecheck step: a misspelt field of a response is a compile error.
  it('know their fields', () => {
    const created: GroupCreationResponse = { id: 'i', name: 'n', tiledb_uri: 'tiledb://a/n' };
    // @ts-expect-error tiledbUri is not a field (tiledb_uri is)
    expect(created.tiledbUri).toBeUndefined();
    const contents: GroupContentsRetrievalResponse = { members: [{ name: 'm', type: 'ARRAY' }] };
    // @ts-expect-error urii is not a field of GroupMember
    expect(contents.members?.[0]?.urii).toBeUndefined();
  });
});
