/**
 * How a valibot issue is shown to a client or an operator: where (`users[3].userId`) and
 * what, without echoing a rejected secret and without valibot's key-check jargon.
 */
import type * as v from 'valibot';
import { isSecretName } from './redact.js';

type PathItem = { key: unknown; input: unknown };

/** Formats a valibot issue path as `users[3].userId`. */
export function issuePath(issue: v.BaseIssue<unknown>): string {
  return formatPath((issue.path ?? []) as readonly PathItem[]);
}

function formatPath(items: readonly PathItem[]): string {
  let out = '';
  for (const item of items) {
    const key = item.key;
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

/** True when any segment of the issue's path is a secret field name (case-insensitive). */
export function touchesSecret(issue: v.BaseIssue<unknown>): boolean {
  return (issue.path ?? []).some(
    (item) => typeof item.key === 'string' && isSecretName(item.key as string),
  );
}

/**
 * The issue as `{ field, message }`: valibot's default key messages become `is required`
 * / `is not a known field`; a missing key of something that is not an object (an array
 * where an object belongs) says so; the `but received <value>` part is dropped for secrets.
 */
export function describeIssue(issue: v.BaseIssue<unknown>): { field: string; message: string } {
  const items = (issue.path ?? []) as readonly PathItem[];
  const field = formatPath(items);
  const parent = items[items.length - 1]?.input;
  if (issue.message.startsWith('Invalid key:')) {
    if (issue.expected === 'never') return { field, message: 'is not a known field' };
    if (issue.received === 'undefined') {
      if (Array.isArray(parent)) {
        return { field: formatPath(items.slice(0, -1)), message: 'must be a JSON object' };
      }
      return { field, message: 'is required' };
    }
  }
  const message = touchesSecret(issue)
    ? issue.message.replace(/ but received [\s\S]*$/, '')
    : issue.message;
  return { field, message };
}

/**
 * Why `JSON.parse` failed, without the stretch of input V8 quotes in some messages
 * (`Unexpected token 'p', "{"password…" is not valid JSON`): that may hold a secret.
 */
export function jsonSyntaxReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (!message.includes('"')) return message;
  return message.startsWith('Unexpected token') ? 'Unexpected token' : 'Syntax error';
}
