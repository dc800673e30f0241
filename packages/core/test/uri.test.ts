import {
  formatTileDBUri,
  InvalidTileDBUriError,
  isTileDBUri,
  parseTileDBUri,
} from '@iamkit/core/uri';
import { describe, expect, it } from 'vitest';

describe('tiledb:// URIs', () => {
  it('splits on the first slash after the scheme', () => {
    expect(parseTileDBUri('tiledb://alice/my-group')).toEqual({
      namespace: 'alice',
      name: 'my-group',
    });
    expect(parseTileDBUri('tiledb://alice/s3://bucket/path')).toEqual({
      namespace: 'alice',
      name: 's3://bucket/path',
    });
    expect(parseTileDBUri('TILEDB://org/x')).toEqual({ namespace: 'org', name: 'x' });
  });

  it('round-trips through format', () => {
    const uri = formatTileDBUri('team', 'a/b');
    expect(uri).toBe('tiledb://team/a/b');
    expect(parseTileDBUri(uri)).toEqual({ namespace: 'team', name: 'a/b' });
  });

  it.each([
    ['s3://bucket/key', /scheme "s3:\/\/"/],
    ['alice/group', /no scheme/],
    ['tiledb://', /namespace is empty/],
    ['tiledb:///name', /namespace is empty/],
    ['tiledb://alice', /name is empty/],
    ['tiledb://alice/', /name is empty/],
  ])('rejects %s with a clear message', (input, message) => {
    expect(() => parseTileDBUri(input)).toThrow(InvalidTileDBUriError);
    expect(() => parseTileDBUri(input)).toThrow(message);
  });

  it('refuses to format what it could not parse back', () => {
    expect(() => formatTileDBUri('', 'x')).toThrow(/namespace must not be empty/);
    expect(() => formatTileDBUri('a/b', 'x')).toThrow(/must not contain/);
    expect(() => formatTileDBUri('a', '')).toThrow(/name must not be empty/);
    expect(isTileDBUri('tiledb://a/b')).toBe(true);
    expect(isTileDBUri('https://a/b')).toBe(false);
  });
});
