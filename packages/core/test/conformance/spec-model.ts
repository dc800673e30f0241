/**
 * Reads the contract files in shared/specs and reduces a model to a shape that can be
 * compared with a valibot schema: property names, required set, types, enum values,
 * nullability, read-only and write-only marks.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export type Shape =
  | { kind: 'object'; properties: Record<string, Field>; required: string[]; map?: Shape }
  | { kind: 'array'; items: Shape }
  | { kind: 'string'; enum?: string[] }
  | { kind: 'number' }
  | { kind: 'integer' }
  | { kind: 'boolean' }
  | { kind: 'unknown' };

export interface Field {
  shape: Shape;
  nullable: boolean;
  readOnly: boolean;
  writeOnly: boolean;
}

const here = dirname(fileURLToPath(import.meta.url));
/** `shared/` sits beside the repository root: `<root>/../shared/specs`. */
export const SPECS_DIR = resolve(here, '../../../../../shared/specs');

type Json = Record<string, unknown>;
const documents = new Map<string, Json>();

function load(file: string): Json {
  let doc = documents.get(file);
  if (!doc) {
    doc = parse(readFileSync(resolve(SPECS_DIR, file), 'utf8')) as Json;
    documents.set(file, doc);
  }
  return doc;
}

function models(doc: Json): Record<string, Json> {
  const swagger = doc['definitions'] as Record<string, Json> | undefined;
  const openapi = (doc['components'] as Json | undefined)?.['schemas'] as
    | Record<string, Json>
    | undefined;
  return swagger ?? openapi ?? {};
}

export function specModelNames(file: string): string[] {
  return Object.keys(models(load(file)));
}

function deref(doc: Json, node: Json): Json {
  const ref = node['$ref'];
  if (typeof ref !== 'string') return node;
  const name = ref.split('/').pop()!;
  const target = models(doc)[name];
  if (!target) throw new Error(`Unresolved $ref ${ref}`);
  // Sibling keys (readOnly, description) override the target's, as both spec dialects allow.
  const { $ref: _ignored, ...siblings } = node;
  return { ...deref(doc, target), ...siblings };
}

function toField(doc: Json, raw: Json): Field {
  let node = deref(doc, raw);
  let nullable = node['x-nullable'] === true || node['nullable'] === true;
  const oneOf = node['oneOf'] as Json[] | undefined;
  if (oneOf) {
    const nonNull = oneOf.filter((alt) => alt['type'] !== 'null');
    nullable ||= nonNull.length < oneOf.length;
    if (nonNull.length !== 1)
      throw new Error('oneOf with several non-null branches is not modelled');
    node = { ...deref(doc, nonNull[0]!), readOnly: node['readOnly'], writeOnly: node['writeOnly'] };
  }
  let type = node['type'];
  if (Array.isArray(type)) {
    nullable ||= type.includes('null');
    type = type.find((t) => t !== 'null');
  }
  return {
    shape: toShape(doc, node, type as string | undefined),
    nullable,
    readOnly: node['readOnly'] === true,
    writeOnly: node['writeOnly'] === true,
  };
}

function toShape(doc: Json, node: Json, type: string | undefined): Shape {
  if (type === 'array') return { kind: 'array', items: toField(doc, node['items'] as Json).shape };
  if (type === 'string') {
    const values = node['enum'] as string[] | undefined;
    return values ? { kind: 'string', enum: [...values] } : { kind: 'string' };
  }
  if (type === 'integer' || type === 'number' || type === 'boolean') return { kind: type };
  if (type === 'object' || node['properties'] || node['additionalProperties']) {
    const properties: Record<string, Field> = {};
    for (const [key, value] of Object.entries((node['properties'] as Json) ?? {})) {
      properties[key] = toField(doc, value as Json);
    }
    const extra = node['additionalProperties'];
    const shape: Shape = {
      kind: 'object',
      properties,
      required: [...((node['required'] as string[]) ?? [])],
    };
    if (extra && typeof extra === 'object') shape.map = toField(doc, extra as Json).shape;
    return shape;
  }
  return { kind: 'unknown' };
}

/** The reduced shape of model `name` in spec `file`. */
export function specModel(file: string, name: string): Field {
  const doc = load(file);
  const node = models(doc)[name];
  if (!node) throw new Error(`${file} has no model ${name}`);
  return toField(doc, node);
}
