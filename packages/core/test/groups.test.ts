import {
  decodeMetadataEntry,
  fromMetadataEntries,
  GroupContentsChangesRequestSchema,
  GroupContentsRetrievalResponseSchema,
  GroupCreationRequestSchema,
  GroupMetadataUpdateRequestSchema,
  GroupNameSchema,
  GroupNamespaceSchema,
  GroupRegistrationRequestSchema,
  type MetadataChanges,
  MetadataChangesSchema,
  NewGroupNameSchema,
  toMetadataEntries,
  toTileDBConfig,
} from '@iamkit/core/groups';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';

function issues(schema: v.GenericSchema, value: unknown): string[] {
  const result = v.safeParse(schema, value);
  if (result.success) return [];
  return result.issues.map((issue) => `${v.getDotPath(issue) ?? ''}: ${issue.message}`);
}

describe('group request schemas', () => {
  it('accepts a full creation request', () => {
    const request = {
      config: { entries: [{ key: 'vfs.s3.region', value: 'us-east-1' }] },
      group_details: {
        name: 'genomics',
        description: 'All the genomics arrays',
        uri: 's3://bucket/genomics',
        tags: ['bio', 'public-data'],
        license_id: 'MIT',
      },
    };
    expect(v.parse(GroupCreationRequestSchema, request)).toEqual(request);
  });

  it('rejects a tag that is not [a-z-], naming the tag', () => {
    expect(
      issues(GroupCreationRequestSchema, { group_details: { name: 'g', tags: ['ok', 'Bad_Tag'] } }),
    ).toEqual([
      'group_details.tags.1: tag "Bad_Tag" must contain only lowercase letters and "-" ([a-z-])',
    ]);
  });

  it('rejects a misspelt field instead of sending it', () => {
    expect(issues(GroupCreationRequestSchema, { group_details: { nmae: 'g' } })).toEqual([
      'group_details.nmae: unknown field "nmae"; expected one of description, name, uri, logo, tags, license_id, license_text',
    ]);
    expect(issues(GroupCreationRequestSchema, {})).toEqual([
      'group_details: group_details is required',
    ]);
    expect(issues(GroupCreationRequestSchema, { group_details: 'x' })).toEqual([
      'group_details: group_details must be an object',
    ]);
  });

  it('takes parent, region and credentials only when registering', () => {
    const details = { name: 'g', uri: 's3://b/g', parent: 'top', region: 'us-east-1' };
    expect(issues(GroupRegistrationRequestSchema, { group_details: details })).toEqual([]);
    expect(issues(GroupCreationRequestSchema, { group_details: details })[0]).toMatch(
      /^group_details.parent: unknown field "parent"/,
    );
  });

  it('requires uri and a known type for every member to add', () => {
    const changes = {
      group_changes: {
        members_to_add: [
          { uri: 'tiledb://alice/a', type: 'ARRAY' },
          { name: 'no-uri', type: 'GROUP' },
          { uri: 'tiledb://alice/b', type: 'TABLE' },
          { uri: 'tiledb://alice/c' },
        ],
        members_to_remove: [''],
      },
    };
    expect(issues(GroupContentsChangesRequestSchema, changes)).toEqual([
      'group_changes.members_to_remove.0: member must not be empty',
      'group_changes.members_to_add.1: uri is required',
      'group_changes.members_to_add.2.type: type must be "GROUP" or "ARRAY", got "TABLE"',
      'group_changes.members_to_add.3: type is required ("GROUP" or "ARRAY")',
    ]);
  });

  it('requires metadata, and a key on every entry', () => {
    expect(issues(GroupMetadataUpdateRequestSchema, {})).toEqual([
      'metadata: metadata is required',
    ]);
    expect(
      issues(GroupMetadataUpdateRequestSchema, {
        metadata: {
          entries: [{ key: 'a', del: true }, { value: [1] }, { key: 'b', type: 'INT8' }],
        },
      }),
    ).toEqual([
      'metadata.entries.1: key is required',
      'metadata.entries.2: value is required unless del is true',
    ]);
  });

  it('path parameters are one non-empty segment', () => {
    expect(issues(GroupNamespaceSchema, '')).toEqual([': namespace must not be empty']);
    expect(issues(GroupNameSchema, 'a/b')).toEqual([': name must not contain "/"']);
    expect(issues(GroupNameSchema, '3f6b2a52-5a0e-4c1e-9d0f-1d2c3b4a5e6f')).toEqual([]);
    // Names a URL cannot address, or a terminal cannot show, are refused before anything is sent.
    expect(issues(GroupNameSchema, '..')).toEqual([': name must not be ".."']);
    expect(issues(GroupNameSchema, '.')).toEqual([': name must not be "."']);
    // A new name has no control characters; an existing one is still addressed (encoded).
    expect(issues(NewGroupNameSchema, 'a\u0000b')).toEqual([
      ': name must not contain control characters',
    ]);
    expect(issues(NewGroupNameSchema, '..')).toEqual([': name must not be ".."']);
    expect(issues(GroupNameSchema, 'a\tb')).toEqual([]);
    expect(issues(GroupNamespaceSchema, 'ns\n')).toEqual([]);
    expect(issues(GroupNameSchema, 'v1.2 (final)')).toEqual([]);
  });
});

describe('group responses are lenient', () => {
  it('keeps unknown member types and unknown keys', () => {
    const body = {
      members: [{ name: 'x', uri: 'tiledb://a/x', type: 'VECTOR_INDEX', size: 3 }],
      metadata: { entries: [] },
      extra: true,
    };
    expect(v.parse(GroupContentsRetrievalResponseSchema, body)).toEqual(body);
  });
});

describe('metadata as a plain object', () => {
  it('round-trips every supported kind of value', () => {
    const values = {
      title: 'Genomics ✓',
      count: 42,
      negative: -7,
      ratio: 0.25,
      big: 2n ** 62n,
      huge: 2n ** 64n - 1n,
      enabled: true,
      flags: [true, false],
      sizes: [1, 2, 3],
      weights: [0.5, 1.5],
      raw: new Uint8Array([0, 255, 7]),
      empty: '',
    };
    const entries = toMetadataEntries(values);
    expect(v.parse(GroupMetadataUpdateRequestSchema, { metadata: { entries } })).toBeTruthy();
    expect(fromMetadataEntries(entries)).toEqual(values);
  });

  it('writes TileDB datatypes with little-endian bytes', () => {
    expect(toMetadataEntries({ n: 1, s: 'hi', f: 1.5 })).toEqual([
      { key: 'n', type: 'INT64', valueNum: 1, value: [1, 0, 0, 0, 0, 0, 0, 0] },
      { key: 's', type: 'STRING_UTF8', valueNum: 2, value: [104, 105] },
      { key: 'f', type: 'FLOAT64', valueNum: 1, value: [0, 0, 0, 0, 0, 0, 248, 63] },
    ]);
  });

  it('turns null into a delete and skips undefined', () => {
    expect(toMetadataEntries({ gone: null, untouched: undefined })).toEqual([
      { key: 'gone', del: true },
    ]);
  });

  it('reads what other TileDB clients write', () => {
    expect(
      fromMetadataEntries([
        { key: 'a1', type: 'INT32', valueNum: 2, value: [1, 0, 0, 0, 2, 0, 0, 0] },
        { key: 'a2', type: 'STRING_ASCII', valueNum: 3, value: [97, 98, 99] },
        { key: 'a3', type: 'FLOAT32', valueNum: 1, value: [0, 0, 192, 63] },
        { key: 'a4', type: 'UINT16', valueNum: 1, value: [255, 255] },
        { key: 'a5', type: 'DATETIME_MS', valueNum: 1, value: [1, 0, 0, 0, 0, 0, 0, 0] },
        { key: 'odd', type: 'SOMETHING_NEW', valueNum: 2, value: [9, 8] },
        { key: 'plain', type: 'STRING_UTF8', value: 'already text' },
        { key: 'deleted', del: true },
        { type: 'INT8', value: [1] },
      ]),
    ).toEqual({
      a1: [1, 2],
      a2: 'abc',
      a3: 1.5,
      a4: 65535,
      a5: 1,
      odd: new Uint8Array([9, 8]),
      plain: 'already text',
    });
    expect(decodeMetadataEntry({ key: 'x', type: 'INT64' })).toBeUndefined();
  });

  it('names the key of a value it cannot store', () => {
    expect(issues(MetadataChangesSchema, { ok: 1, bad: { nested: true } })).toEqual([
      'bad: expected a string, number, bigint, boolean, Uint8Array, array of numbers or booleans, or null to delete; got an object',
    ]);
    expect(issues(MetadataChangesSchema, { mixed: [1, 'a'] })[0]).toMatch(/^mixed: .*mixed/);
    expect(() => toMetadataEntries({ far: 2n ** 70n })).toThrow(/metadata\.far: integer out/);
  });

  it('refuses bigints out of the 64-bit range, or mixed with fractions, naming the key', () => {
    expect(issues(MetadataChangesSchema, { m: 2n ** 64n, ok: 2n ** 64n - 1n })).toEqual([
      'm: integer out of the 64-bit range',
    ]);
    expect(
      issues(MetadataChangesSchema, { low: -(2n ** 63n) - 1n, signs: [-1n, 2n ** 63n] }),
    ).toEqual(['low: integer out of the 64-bit range', 'signs: integer out of the 64-bit range']);
    expect(issues(MetadataChangesSchema, { mix: [1n, 1.5], fine: [1n, 2] })).toEqual([
      'mix: cannot mix bigint and fractional numbers in one value',
    ]);
    expect(issues(MetadataChangesSchema, [1])).toEqual([
      ': metadata must be an object of { key: value }; got an array',
    ]);
  });

  const PROTO_KEYS = ['__proto__', 'constructor', 'toString', 'prototype', 'hasOwnProperty'];

  it('keeps keys named like Object.prototype members, as own keys, in both directions', () => {
    const changes = JSON.parse(
      '{"__proto__":"x","constructor":1,"toString":true,"prototype":[1,2],"hasOwnProperty":null,"ok":3}',
    ) as MetadataChanges;
    const parsed = v.parse(MetadataChangesSchema, changes);
    expect(Object.keys(parsed)).toEqual([...PROTO_KEYS, 'ok']);
    const entries = toMetadataEntries(parsed);
    expect(entries.map((entry) => entry.key)).toEqual([...PROTO_KEYS, 'ok']);
    expect(entries.find((entry) => entry.key === 'hasOwnProperty')).toEqual({
      key: 'hasOwnProperty',
      del: true,
    });
    // A bad value under such a key is named too.
    expect(issues(MetadataChangesSchema, JSON.parse('{"__proto__":{"a":1}}'))).toEqual([
      '__proto__: expected a string, number, bigint, boolean, Uint8Array, array of numbers or booleans, or null to delete; got an object',
    ]);

    const read = fromMetadataEntries([
      { key: '__proto__', type: 'INT32', valueNum: 2, value: [1, 0, 0, 0, 2, 0, 0, 0] },
      ...toMetadataEntries({ constructor: 1, toString: 'text', prototype: [1.5, 2.5] }),
    ]);
    expect(Object.getPrototypeOf(read)).toBe(Object.prototype);
    expect(Object.keys(read)).toEqual(['__proto__', 'constructor', 'toString', 'prototype']);
    expect(Object.hasOwn(read, '__proto__')).toBe(true);
    expect(Object.getOwnPropertyDescriptor(read, '__proto__')?.value).toEqual([1, 2]);
    expect(read['constructor']).toBe(1);
    expect(read['toString']).toBe('text');
    expect(read['prototype']).toEqual([1.5, 2.5]);
    expect((read as { length?: unknown }).length).toBeUndefined();
    expect(JSON.parse(JSON.stringify(read))).toEqual(
      JSON.parse('{"__proto__":[1,2],"constructor":1,"toString":"text","prototype":[1.5,2.5]}'),
    );
  });
});

describe('config', () => {
  it('accepts a plain object or the wire shape', () => {
    expect(toTileDBConfig({ 'rest.server_address': 'x' })).toEqual({
      entries: [{ key: 'rest.server_address', value: 'x' }],
    });
    const wire = { entries: [{ key: 'a', value: 'b' }] };
    expect(toTileDBConfig(wire)).toBe(wire);
  });
});
