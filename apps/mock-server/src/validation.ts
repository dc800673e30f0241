/** Request validation with the core valibot schemas: a 400 that names the field. */
import * as v from 'valibot';
import { badRequest, type FieldIssue } from './errors.js';
import { describeIssue } from './issues.js';

/**
 * Turns valibot issues into field issues named like `users[3].userId`: missing keys read
 * `is required`, unknown ones `is not a known field`, and a rejected value is never
 * echoed for a secret-named field.
 */
export function fieldIssues(issues: readonly v.BaseIssue<unknown>[]): FieldIssue[] {
  const out: FieldIssue[] = [];
  for (const issue of issues) {
    const described = describeIssue(issue);
    if (!out.some((o) => o.field === described.field && o.message === described.message)) {
      out.push(described);
    }
  }
  return out;
}

const OBJECT_SCHEMA_TYPES = new Set([
  'object',
  'strict_object',
  'loose_object',
  'object_with_rest',
]);

function expectsObject(schema: v.GenericSchema): boolean {
  return OBJECT_SCHEMA_TYPES.has(schema.type);
}

function isJsonObject(value: unknown): boolean {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Validates `value` with a core schema, or throws a 400 naming the first bad field. */
export function validateOrThrow<T>(
  schema: v.GenericSchema<unknown, T>,
  value: unknown,
  where: 'body' | 'query',
): T {
  // valibot takes an array for an object (and reports its missing keys): say what is wrong.
  if (expectsObject(schema) && !isJsonObject(value)) {
    throw badRequest(`The request ${where} must be a JSON object`, [
      { field: '', message: 'must be a JSON object' },
    ]);
  }
  const result = v.safeParse(schema, value);
  if (result.success) return result.output;
  const fields = fieldIssues(result.issues);
  const first = fields[0]!;
  const more =
    fields.length > 1
      ? ` (and ${fields.length - 1} more issue${fields.length > 2 ? 's' : ''})`
      : '';
  if (!first.field) throw badRequest(`Invalid request ${where}: ${first.message}${more}`, fields);
  const location = `${where === 'body' ? '' : 'query parameter '}"${first.field}"`;
  throw badRequest(`Invalid ${location}: ${first.message}${more}`, fields);
}
