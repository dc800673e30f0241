import {
  isReadOnlySchema,
  isSecretSchema,
  openEnum,
  openEnumValues,
  readOnly,
  SECRET_FIELD_NAMES,
  secret,
  TileDBErrorSchema,
} from '@iamkit/core';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';

describe('schema building blocks', () => {
  it('open enums accept unknown values but keep the known ones', () => {
    const provider = openEnum(['AWS', 'AZURE', 'GCP']);
    expect(v.parse(provider, 'AWS')).toBe('AWS');
    expect(v.parse(provider, 'ORACLE')).toBe('ORACLE');
    expect(() => v.parse(provider, 3)).toThrow(/Expected a string/);
    expect(openEnumValues(provider)).toEqual(['AWS', 'AZURE', 'GCP']);
  });

  it('marks secrets and read-only fields', () => {
    expect(isSecretSchema(secret(v.string()))).toBe(true);
    expect(isSecretSchema(v.string())).toBe(false);
    expect(isReadOnlySchema(readOnly(v.string()))).toBe(true);
    expect(SECRET_FIELD_NAMES).toContain('secret_access_key');
  });

  it('response schemas keep unknown keys', () => {
    const parsed = v.parse(TileDBErrorSchema, { code: 1, message: 'x', extra: true });
    expect(parsed).toEqual({ code: 1, message: 'x', extra: true });
  });
});
