/** Removes secrets from anything the server shows about itself (admin state, request log). */
import { SECRET_FIELD_NAMES } from '@iamkit/core';

/** Field names that hold secrets in the server's own records, beyond the API models'. */
const SERVER_SECRET_FIELDS = ['apiKeys', 'accessKey', 'passwordHash'];

const SECRET_NAMES = new Set(
  [...SECRET_FIELD_NAMES, ...SERVER_SECRET_FIELDS].map((n) => n.toLowerCase()),
);

export const REDACTED = '[redacted]';

export function isSecretName(name: string): boolean {
  return SECRET_NAMES.has(name.toLowerCase());
}

/** A deep copy with every secret-named field replaced by `[redacted]`. */
export function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, inner] of Object.entries(value)) {
      out[k] = isSecretName(k) ? REDACTED : redact(inner);
    }
    return out;
  }
  return value;
}

/** Path plus query, with secret-named query parameters redacted. */
export function redactPathAndQuery(url: URL): string {
  const params = new URLSearchParams();
  for (const [k, val] of url.searchParams) params.append(k, isSecretName(k) ? REDACTED : val);
  const query = params.toString();
  return query ? `${url.pathname}?${query}` : url.pathname;
}
