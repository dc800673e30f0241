/**
 * Authress service-client access keys (`clientId.keyId.accountId.privateKey`) turned into
 * short-lived EdDSA JWTs, as the `x-authress-service-client-access-key` block of the
 * Authress spec describes. jose is imported on first mint only, so bundles and processes
 * that never use Authress never load it.
 */
import type { AuthStrategy } from './auth.js';
import { ConfigError, InvalidAccessKeyError } from './errors.js';
import { parseBaseUrl } from './url.js';

/** Token lifetime, and the remaining life below which a new token is minted. */
export const AUTHRESS_TOKEN_LIFETIME_SECONDS = 86_400;
export const AUTHRESS_TOKEN_REFRESH_SECONDS = 3_600;

export interface AuthressAccessKeyAuthOptions {
  /** The Authress API base URL: `https://<accountId>.api.authress.io` or a custom domain. */
  authressApiUrl: string;
  /** Clock in milliseconds; tests move it forward to exercise re-minting. */
  now?: (() => number) | undefined;
}

export interface AuthressAccessKeyAuth extends AuthStrategy {
  readonly kind: 'authressAccessKey';
  /** The service client's id (not secret). */
  readonly clientId: string;
  /** The current bearer JWT, minted or taken from the cache. */
  getToken(): Promise<string>;
}

interface ParsedAccessKey {
  clientId: string;
  keyId: string;
  accountId: string;
  /** The private key's DER bytes, decoded once when the key is parsed. */
  privateKeyDer: Uint8Array<ArrayBuffer>;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
// DER of the Ed25519 algorithm identifier OID 1.3.101.112.
const ED25519_OID = [0x06, 0x03, 0x2b, 0x65, 0x70];

function parseAccessKey(accessKey: unknown): ParsedAccessKey {
  if (typeof accessKey !== 'string' || accessKey.trim() === '') {
    throw new InvalidAccessKeyError('format', 'The Authress access key is empty or not a string');
  }
  const key = accessKey.trim();
  if (key.startsWith('eyJ')) {
    throw new InvalidAccessKeyError(
      'format',
      'The Authress access key looks like a JWT; pass a service-client access key (clientId.keyId.accountId.privateKey), or use bearerAuth for a token',
    );
  }
  const parts = key.split('.');
  if (parts.length !== 4) {
    throw new InvalidAccessKeyError(
      'format',
      `The Authress access key must have 4 dot-separated parts (clientId.keyId.accountId.privateKey); it has ${parts.length}`,
    );
  }
  const [clientId, keyId, accountId, privateKeyBase64] = parts as [string, string, string, string];
  for (const [part, value] of [
    ['clientId', clientId],
    ['keyId', keyId],
    ['accountId', accountId],
    ['privateKey', privateKeyBase64],
  ] as const) {
    if (value === '')
      throw new InvalidAccessKeyError(part, `The ${part} part of the Authress access key is empty`);
  }
  const der = BASE64.test(privateKeyBase64) ? ed25519Pkcs8Der(privateKeyBase64) : undefined;
  if (!der) {
    throw new InvalidAccessKeyError(
      'privateKey',
      'The privateKey part of the Authress access key is not a base64 DER PKCS#8 Ed25519 private key',
    );
  }
  return { clientId, keyId, accountId, privateKeyDer: der };
}

/** The DER bytes of `base64` when they look like a PKCS#8 Ed25519 key, else undefined. */
function ed25519Pkcs8Der(base64: string): Uint8Array<ArrayBuffer> | undefined {
  let der: string;
  try {
    der = atob(base64);
  } catch {
    return undefined;
  }
  if (der.charCodeAt(0) !== 0x30 || der.length < 48) return undefined;
  if (!der.includes(String.fromCharCode(...ED25519_OID))) return undefined;
  return Uint8Array.from(der, (c) => c.charCodeAt(0));
}

function issuerOrigin(authressApiUrl: string, accountId: string): string {
  const { origin, hostname: host, path } = parseBaseUrl(authressApiUrl, 'authressApiUrl');
  if (host === 'authress.io' || host.endsWith('.authress.io'))
    return `https://${accountId}.api.authress.io`;
  // A custom domain (or a local mock): the configured URL itself.
  return origin + path;
}

/**
 * Signs in as an Authress service client. The JWT has header `alg: EdDSA, kid, typ: at+jwt`
 * and claims iss, sub, client_id, aud, iat, exp (iat + 24 h) and scope `openid`. It is cached
 * and re-minted when under an hour of life remains; concurrent callers share one mint.
 * A malformed key throws InvalidAccessKeyError naming the bad part, never the key.
 */
export function authressAccessKeyAuth(
  accessKey: string,
  options: AuthressAccessKeyAuthOptions,
): AuthressAccessKeyAuth {
  const parsed = parseAccessKey(accessKey);
  if (!options || typeof options.authressApiUrl !== 'string' || options.authressApiUrl === '') {
    throw new ConfigError('authressAccessKeyAuth: options.authressApiUrl is required');
  }
  const issuer = `${issuerOrigin(options.authressApiUrl, parsed.accountId)}/v1/clients/${encodeURIComponent(parsed.clientId)}`;
  const audience = `${parsed.accountId}.accounts.authress.io`;
  const now = options.now ?? Date.now;

  let signingKey: Promise<CryptoKey> | undefined;
  let cached: { token: string; exp: number } | undefined;
  let pending: Promise<string> | undefined;

  async function importKey(): Promise<CryptoKey> {
    // The key is already known to be PKCS#8 Ed25519, so WebCrypto imports it directly;
    // jose's importPKCS8 would add a PEM and ASN.1 parser (~2 KB gzipped) to bundles.
    try {
      return await crypto.subtle.importKey(
        'pkcs8',
        parsed.privateKeyDer,
        { name: 'Ed25519' },
        false,
        ['sign'],
      );
    } catch (error) {
      throw new InvalidAccessKeyError(
        'privateKey',
        'The privateKey part of the Authress access key could not be imported as an Ed25519 key',
        { cause: new Error(error instanceof Error ? error.name : 'import failed') },
      );
    }
  }

  async function mint(): Promise<string> {
    signingKey ??= importKey();
    let key: CryptoKey;
    try {
      key = await signingKey;
    } catch (error) {
      signingKey = undefined;
      throw error;
    }
    // jose's CompactSign over the claims as JSON gives the same token as SignJWT (whose
    // claim-set builder and checks add ~2 KB minified), in the order SignJWT writes them.
    const { CompactSign } = await import('jose/jws/compact/sign');
    const iat = Math.floor(now() / 1000);
    const exp = iat + AUTHRESS_TOKEN_LIFETIME_SECONDS;
    const claims = {
      client_id: parsed.clientId,
      scope: 'openid',
      iss: issuer,
      sub: parsed.clientId,
      aud: audience,
      iat,
      exp,
    };
    const token = await new CompactSign(new TextEncoder().encode(JSON.stringify(claims)))
      .setProtectedHeader({ alg: 'EdDSA', kid: parsed.keyId, typ: 'at+jwt' })
      .sign(key);
    cached = { token, exp };
    return token;
  }

  function getToken(): Promise<string> {
    if (cached && cached.exp - now() / 1000 > AUTHRESS_TOKEN_REFRESH_SECONDS) {
      return Promise.resolve(cached.token);
    }
    pending ??= mint().finally(() => {
      pending = undefined;
    });
    return pending;
  }

  return {
    kind: 'authressAccessKey',
    clientId: parsed.clientId,
    getToken,
    async headers() {
      return { Authorization: `Bearer ${await getToken()}` };
    },
  };
}
