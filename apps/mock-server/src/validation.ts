/** Request validation with the core valibot schemas: a 400 that names the field. */
import * as v from 'valibot';
import { badRequest, type FieldIssue } from './errors.js';
import { issuePath } from './identities.js';

/** Turns valibot issues into field issues named like `users[3].userId`. */
export function fieldIssues(issues: readonly v.BaseIssue<unknown>[]): FieldIssue[] {
  return issues.map((issue) => ({ field: issuePath(issue), message: issue.message }));
}

/** Validates `value` with a core schema, or throws a 400 naming the first bad field. */
export function validateOrThrow<T>(
  schema: v.GenericSchema<unknown, T>,
  value: unknown,
  where: 'body' | 'query',
): T {
  const result = v.safeParse(schema, value);
  if (result.success) return result.output;
  const fields = fieldIssues(result.issues);
  const first = fields[0]!;
  const location = first.field
    ? `${where === 'body' ? '' : 'query parameter '}"${first.field}"`
    : `the request ${where}`;
  const more =
    fields.length > 1
      ? ` (and ${fields.length - 1} more issue${fields.length > 2 ? 's' : ''})`
      : '';
  throw badRequest(`Invalid ${location}: ${first.message}${more}`, fields);
}
