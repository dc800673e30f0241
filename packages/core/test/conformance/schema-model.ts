/** Reduces a valibot schema to the same {@link Shape} the spec side produces. */
import {
  isReadOnlySchema,
  isSecretSchema,
  openEnumValues,
  stringMapValue,
} from '@iamkit/core/schema';
import type { Field, Shape } from './spec-model.js';

interface Node {
  type: string;
  entries?: Record<string, Node>;
  wrapped?: Node;
  item?: Node;
  value?: Node;
  options?: unknown[];
  pipe?: { type: string; kind: string }[];
  getter?: () => Node;
}

export interface SchemaField extends Field {
  optional: boolean;
}

export function schemaField(schema: unknown): SchemaField {
  let node = schema as Node;
  let optional = false;
  let nullable = false;
  const readOnly = isReadOnlySchema(node);
  const writeOnly = isSecretSchema(node);
  for (;;) {
    if (node.type === 'lazy' && node.getter) node = node.getter();
    else if (node.type === 'optional' || node.type === 'undefinedable') {
      optional = true;
      node = node.wrapped!;
    } else if (node.type === 'nullable') {
      nullable = true;
      node = node.wrapped!;
    } else if (node.type === 'nullish') {
      optional = true;
      nullable = true;
      node = node.wrapped!;
    } else break;
  }
  return {
    shape: schemaShape(node),
    optional,
    nullable,
    readOnly: readOnly || isReadOnlySchema(node),
    writeOnly: writeOnly || isSecretSchema(node),
  };
}

function schemaShape(node: Node): Shape {
  switch (node.type) {
    case 'object':
    case 'loose_object':
    case 'strict_object':
    case 'object_with_rest': {
      const properties: Record<string, Field> = {};
      const required: string[] = [];
      for (const [key, value] of Object.entries(node.entries ?? {})) {
        const field = schemaField(value);
        properties[key] = field;
        if (!field.optional) required.push(key);
      }
      return { kind: 'object', properties, required };
    }
    case 'record':
      return { kind: 'object', properties: {}, required: [], map: schemaField(node.value).shape };
    case 'array':
      return { kind: 'array', items: schemaField(node.item).shape };
    case 'picklist':
      return { kind: 'string', enum: [...(node.options as string[])] };
    case 'string':
      return { kind: 'string' };
    case 'custom': {
      const mapValue = stringMapValue(node);
      if (mapValue)
        return { kind: 'object', properties: {}, required: [], map: schemaField(mapValue).shape };
      const values = openEnumValues(node);
      return values ? { kind: 'string', enum: [...values] } : { kind: 'unknown' };
    }
    case 'number':
      return node.pipe?.some((a) => a.type === 'integer')
        ? { kind: 'integer' }
        : { kind: 'number' };
    case 'boolean':
      return { kind: 'boolean' };
    default:
      return { kind: 'unknown' };
  }
}
