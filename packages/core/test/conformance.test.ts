/**
 * Every core schema against its model in shared/specs. Each API surface adds a
 * `conformance/<surface>.rows.ts` file; this test picks them all up.
 */
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { compareModel } from './conformance/compare.js';
import { loadAllRows } from './conformance/rows.js';
import { specModel, specModelNames } from './conformance/spec-model.js';

const allRows = await loadAllRows();

describe('core schemas conform to shared/specs', () => {
  it('has rows to check', () => {
    expect(allRows.length).toBeGreaterThan(10);
  });

  it.each(allRows.map((row) => [`${row.spec} ${row.model} (${row.direction})`, row] as const))(
    '%s',
    (_label, row) => {
      const problems = compareModel(
        specModel(row.spec, row.model),
        row.schema,
        row.direction,
        row.model,
      );
      expect(problems).toEqual([]);
    },
  );
});

describe('the comparison itself catches drift', () => {
  const spec = specModel('authress-groups.yaml', 'ResponseError');

  it('flags a renamed property', () => {
    const drifted = v.looseObject({
      title: v.optional(v.string()),
      error_code: v.optional(v.string()),
      errorId: v.optional(v.string()),
    });
    expect(compareModel(spec, drifted, 'response', 'ResponseError')).toEqual([
      'ResponseError.error_code: not in the spec',
      'ResponseError.errorCode: missing from the schema',
    ]);
  });

  it('flags a wrong required set, type and enum', () => {
    const pagination = specModel('tiledb-v4-credentials.yaml', 'PaginationMetadata');
    const drifted = v.looseObject({
      page: v.optional(v.pipe(v.number(), v.integer())),
      per_page: v.string(),
      total_pages: v.pipe(v.number(), v.integer()),
      total_items: v.pipe(v.number(), v.integer()),
    });
    expect(compareModel(pagination, drifted, 'response', 'P')).toEqual([
      'P.page: spec requires it, schema does not',
      'P.per_page: spec type integer, schema type string',
    ]);
    const provider = specModel('tiledb-v4-credentials.yaml', 'CloudProvider');
    expect(
      compareModel(provider, v.picklist(['AWS', 'AZURE']), 'response', 'CloudProvider'),
    ).toEqual(['CloudProvider: spec enum [AWS,AZURE,GCP], schema enum [AWS,AZURE]']);
  });

  it('reads every model of every spec file without error', () => {
    for (const file of [
      'tiledb-v1.upstream.yaml',
      'tiledb-v2.upstream.yaml',
      'tiledb-v4-credentials.yaml',
      'authress-groups.yaml',
    ]) {
      for (const name of specModelNames(file)) expect(() => specModel(file, name)).not.toThrow();
    }
  });
});
