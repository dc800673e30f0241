/**
 * Valibot parsing that fails with our own errors: the path of the first bad field in the
 * message, and issues that never carry the input value (it may be a secret).
 */
import * as v from 'valibot';
import { RequestValidationError, type ValidationIssue } from './errors.js';
import { isSecretKey } from './redact.js';

type PathItem = { key?: unknown };

/** `users[3].userId` from a valibot issue path, prefixed by `label` when given. */
export function formatIssuePath(path: readonly PathItem[] | undefined, label?: string): string {
  let out = label ?? '';
  for (const item of path ?? []) {
    const key = item.key;
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string')
      out += /^[A-Za-z_$][\w$-]*$/.test(key) ? (out ? `.${key}` : key) : `[${JSON.stringify(key)}]`;
  }
  return out;
}

const OBJECT_TYPES = new Set(['object', 'loose_object', 'strict_object', 'object_with_rest']);

/** Valibot's key issues in words a caller acts on; every other message is kept as it is. */
function plain(issue: v.BaseIssue<unknown>): string {
  // Only valibot's default wording; a schema's own message is kept.
  if (
    issue.kind === 'schema' &&
    OBJECT_TYPES.has(issue.type) &&
    issue.message.startsWith('Invalid key:')
  ) {
    if (issue.expected === 'never') return 'is not a known field; check its spelling';
    if (issue.received === 'undefined') return 'is required';
  }
  return issue.message;
}

/** Valibot issues as {@link ValidationIssue}s; the received value is dropped for secret fields. */
export function toValidationIssues(
  issues: readonly v.BaseIssue<unknown>[],
  label?: string,
): ValidationIssue[] {
  return issues.map((issue) => {
    const pathItems = (issue.path ?? []) as readonly PathItem[];
    const secret = pathItems.some((item) => typeof item.key === 'string' && isSecretKey(item.key));
    const message = secret ? issue.message.replace(/\s*but received[\s\S]*$/, '') : plain(issue);
    const out: { path: string; message: string; expected?: string } = {
      path: formatIssuePath(pathItems, label),
      message,
    };
    if (issue.expected !== null) out.expected = issue.expected;
    return out;
  });
}

/**
 * The RequestValidationError for `value` against `schema`, or undefined when it is valid.
 * `label` prefixes each path (e.g. `body`, or a parameter name).
 */
export function requestValidationError(
  schema: v.GenericSchema,
  value: unknown,
  label?: string,
): RequestValidationError | undefined {
  const result = v.safeParse(schema, value);
  if (result.success) return undefined;
  return validationFailure(result.issues, label);
}

function validationFailure(
  issues: readonly v.BaseIssue<unknown>[],
  label?: string,
): RequestValidationError {
  const list = toValidationIssues(issues, label);
  return new RequestValidationError(list[0]?.path ?? label ?? '', list);
}

/**
 * Parses `value` with `schema` and returns the output, or throws RequestValidationError naming
 * the bad field. Use it in clients before anything is sent.
 */
export function validateRequest<const TSchema extends v.GenericSchema>(
  schema: TSchema,
  value: unknown,
  label?: string,
): v.InferOutput<TSchema> {
  const result = v.safeParse(schema, value);
  if (result.success) return result.output;
  throw validationFailure(result.issues, label);
}
