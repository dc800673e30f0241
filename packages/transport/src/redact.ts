/**
 * Secret redaction shared by errors, debug logs and hooks. Matching is by field or header
 * name (case-, `-`- and `_`-insensitive) against core's SECRET_FIELD_NAMES plus the
 * HTTP credential headers, and by value for secrets the transport knows it sent.
 */
import { SECRET_FIELD_NAMES } from '@iamkit/core/schema';

export const REDACTED = '[REDACTED]';

const normalizeKey = (key: string): string => key.toLowerCase().replace(/[-_]/g, '');

const SECRET_KEYS: ReadonlySet<string> = new Set(
  [
    ...SECRET_FIELD_NAMES,
    'proxy-authorization',
    'x-api-key',
    'access_token',
    'refresh_token',
    'id_token',
    'session_token',
    'client_secret',
    'secret',
  ].map(normalizeKey),
);

/** True when a field or header with this name holds a secret. */
export function isSecretKey(key: string): boolean {
  return SECRET_KEYS.has(normalizeKey(key));
}

/**
 * A deep copy of `value` with every string or number stored under a secret key replaced
 * by `[REDACTED]`. Objects are copied, never mutated; cycles are cut.
 */
export function redactSecrets<T>(value: T): T {
  return redactValue(value, new WeakSet()) as T;
}

function redactValue(value: unknown, seen: WeakSet<object>): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[Circular]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => redactValue(item, seen));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] =
      isSecretKey(key) && item !== null && typeof item !== 'object' && item !== undefined
        ? REDACTED
        : redactValue(item, seen);
  }
  return out;
}

type HeaderInput =
  | Headers
  | Iterable<readonly [string, string]>
  | Record<string, string | readonly string[] | undefined>
  | undefined;

/** Headers as a plain lower-cased record with credential headers replaced by `[REDACTED]`. */
export function redactHeaders(headers: HeaderInput): Record<string, string> {
  const out: Record<string, string> = {};
  if (!headers) return out;
  const entries: Iterable<readonly [string, unknown]> =
    typeof Headers !== 'undefined' && headers instanceof Headers
      ? headerEntries(headers)
      : Symbol.iterator in headers
        ? (headers as Iterable<readonly [string, string]>)
        : Object.entries(headers);
  for (const [name, value] of entries) {
    if (value === undefined) continue;
    const key = name.toLowerCase();
    out[key] = isSecretKey(key)
      ? REDACTED
      : Array.isArray(value)
        ? value.join(', ')
        : String(value);
  }
  return out;
}

function headerEntries(headers: Headers): Array<[string, string]> {
  const entries: Array<[string, string]> = [];
  headers.forEach((value, name) => {
    entries.push([name, value]);
  });
  return entries;
}

/**
 * `user:password@` at the start of a URL written without a scheme (`svc:pw@host`). URL reads
 * it as the scheme "user:", so neither URL's own password check nor its parser sees it.
 */
export const SCHEMELESS_USER_INFO = /^([^\s/@:]+):[^\s/@]*@/;

/**
 * A URL safe to print: the password of any user-info is replaced, and so is the value of
 * any query parameter whose name is a secret (`api_key`, `token`, ...).
 */
export function redactUrl(url: string | URL): string {
  const text = String(url);
  if (SCHEMELESS_USER_INFO.test(text)) {
    return text.replace(SCHEMELESS_USER_INFO, `$1:${REDACTED}@`);
  }
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    return text.replace(/\/\/([^/@:]*):[^/@]*@/, `//$1:${REDACTED}@`);
  }
  let changed = false;
  if (parsed.password) {
    parsed.password = 'REDACTED';
    changed = true;
  }
  for (const name of [...parsed.searchParams.keys()]) {
    if (isSecretKey(name)) {
      parsed.searchParams.set(name, REDACTED);
      changed = true;
    }
  }
  return changed ? parsed.toString() : text;
}

/** Replaces every occurrence of each known secret value (4+ chars) in `text`. */
export function scrubText(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 4 && out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  return out;
}

/**
 * Secret strings found in a request: credential header values (and the parts of a Basic or
 * Bearer value) plus strings under secret keys in the body. Only computed on error paths.
 */
export function collectSecretValues(
  headers: Record<string, string>,
  body: unknown,
  query?: Record<string, unknown>,
): string[] {
  const secrets: string[] = [];
  for (const name in query) {
    const value = query[name];
    if (isSecretKey(name) && value !== null && value !== undefined) secrets.push(String(value));
  }
  for (const [name, value] of Object.entries(headers)) {
    if (!isSecretKey(name)) continue;
    secrets.push(value);
    const space = value.indexOf(' ');
    if (space > 0) {
      const credential = value.slice(space + 1);
      secrets.push(credential);
      if (/^basic$/i.test(value.slice(0, space))) {
        try {
          const decoded = atob(credential);
          const colon = decoded.indexOf(':');
          if (colon >= 0) secrets.push(decoded.slice(colon + 1), decoded);
        } catch {
          // not base64: nothing more to learn
        }
      }
    }
  }
  collectBodySecrets(body, secrets, new WeakSet());
  // A server that echoes a secret inside a JSON string escapes its `"`, `\\` and newlines.
  for (const value of [...secrets]) {
    const escaped = JSON.stringify(value).slice(1, -1);
    if (escaped !== value) secrets.push(escaped);
  }
  return secrets;
}

function collectBodySecrets(value: unknown, out: string[], seen: WeakSet<object>): void {
  if (value === null || typeof value !== 'object' || seen.has(value)) return;
  seen.add(value);
  for (const [key, item] of Object.entries(value)) {
    if (typeof item === 'string' && isSecretKey(key)) out.push(item);
    else collectBodySecrets(item, out, seen);
  }
}
