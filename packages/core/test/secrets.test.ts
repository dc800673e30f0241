/**
 * Redaction in transport and the mock server works from SECRET_FIELD_NAMES. Every field
 * a schema marks with secret() must be in that list, or it would leak.
 */
import { isSecretSchema, SECRET_FIELD_NAMES } from '@iamkit/core';
import { describe, expect, it } from 'vitest';
import { loadAllRows } from './conformance/rows.js';

type Node = {
  type?: string;
  entries?: Record<string, Node>;
  wrapped?: Node;
  item?: Node;
  value?: Node;
  options?: Node[];
};

function secretFieldNames(schema: Node, seen = new Set<Node>(), found = new Set<string>()) {
  if (!schema || typeof schema !== 'object' || seen.has(schema)) return found;
  seen.add(schema);
  for (const [key, entry] of Object.entries(schema.entries ?? {})) {
    let inner: Node | undefined = entry;
    while (inner) {
      if (isSecretSchema(inner)) found.add(key);
      inner = inner.wrapped;
    }
    secretFieldNames(entry, seen, found);
  }
  for (const child of [schema.wrapped, schema.item, schema.value, ...(schema.options ?? [])]) {
    if (child && typeof child === 'object') secretFieldNames(child, seen, found);
  }
  return found;
}

const rows = await loadAllRows();

describe('secret fields', () => {
  const known = new Set(SECRET_FIELD_NAMES.map((name) => name.toLowerCase()));

  it.each(rows.map((row) => [`${row.spec} ${row.model}`, row] as const))(
    '%s: every secret() field is redacted by name',
    (_label, row) => {
      const unlisted = [...secretFieldNames(row.schema as Node)].filter(
        (name) => !known.has(name.toLowerCase()),
      );
      expect(unlisted).toEqual([]);
    },
  );

  it('finds a secret field when one is marked', async () => {
    const v = await import('valibot');
    const { secret } = await import('@iamkit/core');
    const schema = v.strictObject({
      nested: v.optional(v.strictObject({ hush: secret(v.string()) })),
    });
    expect([...secretFieldNames(schema as unknown as Node)]).toEqual(['hush']);
  });
});
