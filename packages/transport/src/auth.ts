/**
 * Auth strategies: each turns a credential into request headers, once per attempt, so a
 * provider function can refresh a token between retries. Credentials live in closures,
 * never on a property, so an inspected or serialized strategy shows only its `kind`. A fixed
 * credential answers synchronously: the transport then skips the promise and the deadline
 * race it puts around a provider.
 */
import { ConfigError } from './errors.js';

export interface AuthContext {
  url: string;
  method: string;
}

export interface AuthStrategy {
  readonly kind: string;
  /** The headers of one attempt; a promise when a provider or a signer must be asked. */
  headers(ctx: AuthContext): Record<string, string> | Promise<Record<string, string>>;
}

/** A secret value or a function (sync or async) that returns the current one. */
export type SecretProvider = string | (() => string | Promise<string>);

export const TILEDB_API_KEY_HEADER = 'X-TILEDB-REST-API-KEY';

// Characters fetch rejects in a header value; its error message would quote the value.
const INVALID_HEADER_VALUE = /[\r\n\0]|[^\t\x20-\x7e\x80-\xff]/;

function checkCredential(value: unknown, what: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ConfigError(`${what} is empty or not a string`);
  }
  if (INVALID_HEADER_VALUE.test(value)) {
    throw new ConfigError(`${what} contains characters that cannot be sent in an HTTP header`);
  }
  return value;
}

const lowerFirst = (text: string): string => text.charAt(0).toLowerCase() + text.slice(1);

/** The current secret: the string itself (checked once), or a promise from the provider. */
function resolver(source: SecretProvider, what: string): () => string | Promise<string> {
  if (typeof source === 'string') {
    const value = checkCredential(source, what);
    return () => value;
  }
  if (typeof source !== 'function') throw new ConfigError(`${what} must be a string or a function`);
  return async () => {
    let value: string;
    try {
      value = await source();
    } catch (error) {
      throw new ConfigError(`The provider function for ${lowerFirst(what)} failed`, {
        cause: error,
      });
    }
    return checkCredential(value, `${what} returned by the provider function`);
  };
}

/** TileDB API key in `X-TILEDB-REST-API-KEY`: a string, or a function returning the current key. */
export function apiKeyAuth(key: SecretProvider): AuthStrategy {
  return secretHeader(key, 'The TileDB API key', 'apiKey', (value) => ({
    [TILEDB_API_KEY_HEADER]: value,
  }));
}

/** A strategy whose one header is built from a secret or from what its provider returns. */
function secretHeader(
  source: SecretProvider,
  what: string,
  kind: string,
  toHeaders: (secret: string) => Record<string, string>,
): AuthStrategy {
  const current = resolver(source, what);
  return {
    kind,
    headers() {
      const secret = current();
      return typeof secret === 'string' ? toHeaders(secret) : secret.then(toHeaders);
    },
  };
}

function base64Utf8(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** HTTP Basic with a username and password. */
export function basicAuth(credentials: { username: string; password: string }): AuthStrategy {
  const username = credentials?.username;
  if (typeof username !== 'string' || username === '') {
    throw new ConfigError('basicAuth: the username is empty or not a string');
  }
  if (username.includes(':')) throw new ConfigError('basicAuth: the username must not contain ":"');
  const password = credentials.password;
  if (typeof password !== 'string' || password === '') {
    throw new ConfigError('basicAuth: the password is empty or not a string');
  }
  const value = `Basic ${base64Utf8(`${username}:${password}`)}`;
  return {
    kind: 'basic',
    headers() {
      return { Authorization: value };
    },
  };
}

/** `Authorization: Bearer <token>`: a string, or a function returning the current token. */
export function bearerAuth(token: SecretProvider): AuthStrategy {
  return secretHeader(token, 'The bearer token', 'bearer', (value) => ({
    Authorization: `Bearer ${value}`,
  }));
}
