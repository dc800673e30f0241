/**
 * Compares a schema against its spec model and returns every difference as a readable
 * line (`Group.users[].userId: ...`). Empty means conforming.
 *
 * Direction matters: a request schema leaves out read-only fields; a response schema
 * may leave out write-only secrets (never returned) and need not require read-only ones.
 */
import { type SchemaField, schemaField } from './schema-model.js';
import type { Field, Shape } from './spec-model.js';

export type Direction = 'request' | 'response';

export function compareModel(
  spec: Field,
  schema: unknown,
  direction: Direction,
  path: string,
): string[] {
  return compareShape(spec.shape, schemaField(schema).shape, direction, path);
}

function compareShape(spec: Shape, mine: Shape, direction: Direction, path: string): string[] {
  if (spec.kind === 'unknown') return [];
  // The v1/v2 specs type counters as number/uint64; an integer schema is stricter but fits.
  if (spec.kind === 'number' && mine.kind === 'integer') return [];
  if (spec.kind !== mine.kind) return [`${path}: spec type ${spec.kind}, schema type ${mine.kind}`];
  if (spec.kind === 'array' && mine.kind === 'array') {
    return compareShape(spec.items, mine.items, direction, `${path}[]`);
  }
  if (spec.kind === 'string' && mine.kind === 'string') {
    const a = [...(spec.enum ?? [])].sort().join(',');
    const b = [...(mine.enum ?? [])].sort().join(',');
    return a === b ? [] : [`${path}: spec enum [${a}], schema enum [${b}]`];
  }
  if (spec.kind === 'object' && mine.kind === 'object') {
    const problems: string[] = [];
    if (spec.map || mine.map) {
      if (!spec.map || !mine.map) problems.push(`${path}: one side is a map, the other is not`);
      else problems.push(...compareShape(spec.map, mine.map, direction, `${path}{}`));
    }
    const expected = Object.entries(spec.properties).filter(([, field]) =>
      direction === 'request' ? !field.readOnly : true,
    );
    const expectedNames = new Set(expected.map(([name]) => name));
    for (const name of Object.keys(mine.properties)) {
      if (!expectedNames.has(name) && !(direction === 'request' && spec.properties[name])) {
        problems.push(`${path}.${name}: not in the spec`);
      }
    }
    for (const [name, field] of expected) {
      const own = mine.properties[name] as SchemaField | undefined;
      if (!own) {
        problems.push(`${path}.${name}: missing from the schema`);
        continue;
      }
      const specRequired = spec.required.includes(name);
      let mustRequire = specRequired;
      if (direction === 'response' && (field.readOnly || field.writeOnly)) mustRequire = false;
      const isRequired = !own.optional;
      if (direction === 'response' && (field.readOnly || field.writeOnly)) {
        if (isRequired)
          problems.push(`${path}.${name}: read-only/write-only, must be optional in a response`);
      } else if (mustRequire !== isRequired) {
        problems.push(
          `${path}.${name}: spec ${specRequired ? 'requires' : 'does not require'} it, schema ${isRequired ? 'requires' : 'does not'}`,
        );
      }
      if (field.nullable !== own.nullable) {
        problems.push(
          `${path}.${name}: spec nullable=${field.nullable}, schema nullable=${own.nullable}`,
        );
      }
      if (field.writeOnly && !own.writeOnly) {
        problems.push(
          `${path}.${name}: write-only secret in the spec, not marked secret() in the schema`,
        );
      }
      problems.push(...compareShape(field.shape, own.shape, direction, `${path}.${name}`));
    }
    return problems;
  }
  return [];
}
