/**
 * Authentication of TileDB and Authress callers. Messages say what was wrong with the
 * credentials, never the credentials themselves.
 */
import { timingSafeEqual } from 'node:crypto';
import { TokenError } from './authress-keys.js';
import { ApiError, unauthorized } from './errors.js';
import { USERS, type UserRecord } from './identities.js';
import type { AuthressCaller, MockContext, TileDBCaller } from './plugin.js';

function sameSecret(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

function userByApiKey(c: MockContext, key: string): UserRecord | undefined {
  return c.var.mock.store
    .collection<UserRecord>(USERS)
    .values()
    .find((u) => u.apiKeys.some((k) => sameSecret(k, key)));
}

/**
 * TileDB: `X-TILEDB-REST-API-KEY`, HTTP Basic, or `Bearer <api key>`. When the API key
 * header is present and not blank it decides (the Python SDK may send Basic alongside it); a wrong
 * API key is a 401 even if Basic would have passed.
 */
export function authenticateTileDB(c: MockContext): TileDBCaller {
  const users = c.var.mock.store.collection<UserRecord>(USERS);
  // An empty (or blank) header is no key: old TileDB-Cloud-Py logins stored "" and send it
  // beside Basic credentials, which then decide.
  const apiKey = c.req.header('x-tiledb-rest-api-key')?.trim();
  if (apiKey) {
    const user = userByApiKey(c, apiKey);
    if (!user) throw unauthorized('The X-TILEDB-REST-API-KEY header holds an unknown API key');
    return { api: 'tiledb', username: user.username, user, via: 'api-key' };
  }
  const authorization = c.req.header('authorization');
  if (!authorization) {
    throw unauthorized(
      'Authentication required: send X-TILEDB-REST-API-KEY, HTTP Basic credentials, or a bearer token',
    );
  }
  const [scheme = '', ...rest] = authorization.trim().split(/\s+/);
  const value = rest.join(' ');
  if (scheme.toLowerCase() === 'basic') {
    let decoded: string;
    try {
      decoded = Buffer.from(value, 'base64').toString('utf8');
    } catch {
      throw unauthorized('The Basic credentials are not valid base64');
    }
    const colon = decoded.indexOf(':');
    if (colon === -1) throw unauthorized('The Basic credentials are not username:password');
    const user = users.get(decoded.slice(0, colon));
    const password = decoded.slice(colon + 1);
    if (!user?.password || !sameSecret(user.password, password)) {
      throw unauthorized('Invalid username or password');
    }
    return { api: 'tiledb', username: user.username, user, via: 'basic' };
  }
  if (scheme.toLowerCase() === 'bearer') {
    const user = value ? userByApiKey(c, value) : undefined;
    if (!user) throw unauthorized('The bearer token is not a known API key');
    return { api: 'tiledb', username: user.username, user, via: 'bearer' };
  }
  // The header is not quoted back: without a scheme, its first word is the credential itself.
  throw unauthorized(
    'Unsupported Authorization header: send "Bearer <API key>", "Basic <base64 of username:password>" or X-TILEDB-REST-API-KEY',
  );
}

/** Authress: `Authorization: Bearer <JWT>` from a known service client or a minted user token. */
export async function authenticateAuthress(c: MockContext): Promise<AuthressCaller> {
  const authorization = c.req.header('authorization');
  if (!authorization)
    throw unauthorized('Authentication required: send Authorization: Bearer <JWT>');
  const match = /^bearer\s+(\S+)\s*$/i.exec(authorization.trim());
  if (!match) throw unauthorized('The Authorization header must be "Bearer <JWT>"');
  try {
    const verified = await c.var.mock.authress.tokens.verify(
      match[1]!,
      (kid) => c.var.mock.authress.findServiceClientByKeyId(kid),
      { requestUrl: c.req.url },
    );
    return verified.kind === 'user'
      ? {
          api: 'authress',
          kind: 'user',
          subject: verified.userId,
          userId: verified.userId,
          accountId: verified.accountId,
        }
      : {
          api: 'authress',
          kind: 'service-client',
          subject: verified.clientId,
          clientId: verified.clientId,
          accountId: verified.accountId,
        };
  } catch (error) {
    if (error instanceof TokenError) throw unauthorized(error.message);
    throw new ApiError(500, 'Token verification failed', { cause: error });
  }
}

/** True for 127.0.0.0/8, ::1 and IPv4-mapped loopback. */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const a = address.replace(/^::ffff:/, '');
  return a === '::1' || a.startsWith('127.');
}
