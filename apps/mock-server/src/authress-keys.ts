/**
 * Authress service-client access keys and the JWTs made from them.
 *
 * An access key is `clientId.keyId.accountId.base64(PKCS#8 DER Ed25519 private key)`;
 * the SDKs sign an EdDSA JWT with it (header `kid` = keyId; claims `sub`/`client_id` =
 * clientId, `aud` = `<accountId>.accounts.authress.io`, `iss` ending in
 * `/v1/clients/<clientId>`). The server keeps only the public key and verifies those
 * JWTs with jose; it also mints user tokens (as Authress Local does) with a key of its own.
 */
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
} from 'node:crypto';
import { decodeProtectedHeader, errors as joseErrors, jwtVerify, SignJWT } from 'jose';

export interface ParsedAccessKey {
  clientId: string;
  keyId: string;
  accountId: string;
  /** Public half as a JWK (`kty: OKP`, `crv: Ed25519`, `x`). */
  publicJwk: Ed25519PublicJwk;
}

export type Ed25519PublicJwk = {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  kid?: string;
  alg?: 'EdDSA';
  use?: 'sig';
};

export class AccessKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AccessKeyError';
  }
}

/** Splits and checks an access key; derives the public key. Never echoes the key. */
export function parseAccessKey(accessKey: string): ParsedAccessKey {
  if (typeof accessKey !== 'string' || accessKey.startsWith('eyJ')) {
    throw new AccessKeyError(
      'Expected an access key clientId.keyId.accountId.privateKey, not a JWT',
    );
  }
  const parts = accessKey.split('.');
  if (parts.length !== 4 || parts.some((p) => p === '')) {
    throw new AccessKeyError(
      `Expected an access key with 4 dot-separated parts (clientId.keyId.accountId.privateKey), got ${parts.length}`,
    );
  }
  const [clientId, keyId, accountId, privateKey] = parts as [string, string, string, string];
  let key: KeyObject;
  try {
    key = createPrivateKey({
      key: Buffer.from(privateKey, 'base64'),
      format: 'der',
      type: 'pkcs8',
    });
  } catch {
    throw new AccessKeyError('The private key part of the access key is not a PKCS#8 DER key');
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new AccessKeyError(
      `The access key must hold an Ed25519 key, got ${key.asymmetricKeyType ?? 'unknown'}`,
    );
  }
  return { clientId, keyId, accountId, publicJwk: toPublicJwk(createPublicKey(key)) };
}

/** Checks a public key given as a JWK object or a PEM string; returns it as a JWK. */
export function parsePublicKey(publicKey: unknown): Ed25519PublicJwk {
  let key: KeyObject;
  try {
    key =
      typeof publicKey === 'string'
        ? createPublicKey(publicKey)
        : createPublicKey({ key: publicKey as import('node:crypto').JsonWebKey, format: 'jwk' });
  } catch {
    throw new AccessKeyError('Expected an Ed25519 public key as a JWK object or a PEM string');
  }
  if (key.type !== 'public' || key.asymmetricKeyType !== 'ed25519') {
    throw new AccessKeyError('Expected an Ed25519 public key');
  }
  return toPublicJwk(key);
}

function toPublicJwk(key: KeyObject): Ed25519PublicJwk {
  const jwk = key.export({ format: 'jwk' }) as { x?: string };
  return { kty: 'OKP', crv: 'Ed25519', x: jwk.x ?? '' };
}

/** A new service-client access key and its public JWK. */
export function generateAccessKey(options: {
  clientId?: string;
  accountId?: string;
  keyId?: string;
}): {
  accessKey: string;
  clientId: string;
  keyId: string;
  accountId: string;
  publicJwk: Ed25519PublicJwk;
} {
  const clientId = options.clientId ?? `sc_${randomBytes(6).toString('hex')}`;
  const accountId = options.accountId ?? 'acc-mock';
  const keyId = options.keyId ?? `key_${randomBytes(6).toString('hex')}`;
  for (const [label, value] of [
    ['clientId', clientId],
    ['keyId', keyId],
    ['accountId', accountId],
  ] as const) {
    if (value === '' || value.includes('.')) {
      throw new AccessKeyError(`${label} must be non-empty and must not contain "."`);
    }
  }
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const der = privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');
  return {
    accessKey: `${clientId}.${keyId}.${accountId}.${der}`,
    clientId,
    keyId,
    accountId,
    publicJwk: { ...toPublicJwk(publicKey), kid: keyId, alg: 'EdDSA', use: 'sig' },
  };
}

/** What the server knows about a service client (the stored record). */
export interface ServiceClientKey {
  clientId: string;
  keyId: string;
  accountId: string;
  publicJwk: Ed25519PublicJwk;
}

export type VerifiedToken =
  | { kind: 'service-client'; clientId: string; accountId: string; claims: Record<string, unknown> }
  | { kind: 'user'; userId: string; accountId: string; claims: Record<string, unknown> };

export class TokenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TokenError';
  }
}

const CLOCK_TOLERANCE_SECONDS = 60;

/**
 * Verifies service-client JWTs (keys from the store) and user tokens (the server's own
 * key). One instance per server; the user-token key lives for the process.
 */
/** The server's own signing key for user tokens (kept in the store, so it persists). */
export interface UserTokenKey {
  kid: string;
  /** Standard base64 of a PKCS#8 DER Ed25519 private key. */
  privateKey: string;
}

export function generateUserTokenKey(): UserTokenKey {
  const { privateKey } = generateKeyPairSync('ed25519');
  return {
    kid: `mock-user-${randomBytes(4).toString('hex')}`,
    privateKey: privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
  };
}

export class AuthressTokens {
  private cached: { kid: string; privateKey: KeyObject; publicKey: KeyObject } | undefined;

  /** `currentKey` reads the user-token key from the store (it changes on reset). */
  constructor(
    readonly accountId: string,
    private readonly currentKey: () => UserTokenKey,
  ) {}

  /** Key ID of the current user-token key. */
  get userTokenKeyId(): string {
    return this.currentKey().kid;
  }

  private userKeys(): { kid: string; privateKey: KeyObject; publicKey: KeyObject } {
    const key = this.currentKey();
    if (this.cached?.kid !== key.kid) {
      const privateKey = createPrivateKey({
        key: Buffer.from(key.privateKey, 'base64'),
        format: 'der',
        type: 'pkcs8',
      });
      this.cached = { kid: key.kid, privateKey, publicKey: createPublicKey(privateKey) };
    }
    return this.cached;
  }

  /** Issuer of user tokens: the Authress base URL of this server. */
  userTokenIssuer(authressBaseUrl: string): string {
    return authressBaseUrl.replace(/\/+$/, '');
  }

  /** Mints a user token, as `POST /authress/api/authentication` hands out. */
  async mintUserToken(options: {
    userId: string;
    issuer: string;
    /** The account the user belongs to (`aud`); default the server's default account. */
    accountId?: string;
    expiresInSeconds?: number;
    claims?: Record<string, unknown>;
  }): Promise<{ token: string; expiresAt: Date }> {
    const now = Math.floor(Date.now() / 1000);
    const exp = now + (options.expiresInSeconds ?? 86_400);
    const keys = this.userKeys();
    const token = await new SignJWT({ ...options.claims, scope: 'openid' })
      .setProtectedHeader({ alg: 'EdDSA', kid: keys.kid, typ: 'at+jwt' })
      .setIssuer(options.issuer)
      .setSubject(options.userId)
      .setAudience(`${options.accountId ?? this.accountId}${AUDIENCE_SUFFIX}`)
      .setIssuedAt(now)
      .setExpirationTime(exp)
      .sign(keys.privateKey);
    return { token, expiresAt: new Date(exp * 1000) };
  }

  /** Public JWK set for user tokens (serve it from the JWKS routes). */
  userTokenJwks(): { keys: Ed25519PublicJwk[] } {
    return {
      keys: [
        {
          ...toPublicJwk(this.userKeys().publicKey),
          kid: this.userKeys().kid,
          alg: 'EdDSA',
          use: 'sig',
        },
      ],
    };
  }

  /**
   * Verifies a bearer JWT. `findClientByKeyId` looks the `kid` up among known service
   * clients. Throws {@link TokenError} with a reason safe to show (never the token).
   */
  async verify(
    token: string,
    findClientByKeyId: (keyId: string) => ServiceClientKey | undefined,
    context: {
      /** The URL the request was made to: its origin is an accepted service-client issuer. */
      requestUrl: string;
      /** Seconds since the epoch; default now. */
      now?: number;
    },
  ): Promise<VerifiedToken> {
    const now = context.now ?? Math.floor(Date.now() / 1000);
    let kid: string | undefined;
    try {
      kid = decodeProtectedHeader(token).kid;
    } catch {
      throw new TokenError('The bearer token is not a JWT');
    }
    if (!kid) throw new TokenError('The JWT header has no kid');
    try {
      const userKeys = this.userKeys();
      if (kid === userKeys.kid) {
        const { payload } = await jwtVerify(token, userKeys.publicKey, {
          algorithms: ['EdDSA'],
          clockTolerance: CLOCK_TOLERANCE_SECONDS,
          currentDate: new Date(now * 1000),
          requiredClaims: ['exp', 'sub', 'aud'],
        });
        refuseFutureIat(payload.iat, now);
        const audience = typeof payload.aud === 'string' ? payload.aud : undefined;
        const accountId = audience?.endsWith(AUDIENCE_SUFFIX)
          ? audience.slice(0, -AUDIENCE_SUFFIX.length)
          : '';
        if (!accountId) throw new TokenError('The user token names no account (aud)');
        return { kind: 'user', userId: payload.sub!, accountId, claims: payload };
      }
      const client = findClientByKeyId(kid);
      if (!client) throw new TokenError('The JWT is signed with an unknown key (kid)');
      const key = createPublicKey({ key: { ...client.publicJwk }, format: 'jwk' });
      const { payload } = await jwtVerify(token, key, {
        algorithms: ['EdDSA'],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        currentDate: new Date(now * 1000),
        requiredClaims: ['exp', 'iss'],
        audience: `${client.accountId}${AUDIENCE_SUFFIX}`,
      });
      refuseFutureIat(payload.iat, now);
      const subject = payload.sub ?? (payload['client_id'] as string | undefined);
      if (subject !== client.clientId) {
        throw new TokenError("The JWT's sub/client_id does not match the key's service client");
      }
      const clientIdClaim = payload['client_id'];
      if (clientIdClaim !== undefined && clientIdClaim !== client.clientId) {
        throw new TokenError("The JWT's client_id does not match the key's service client");
      }
      if (!acceptedIssuers(client, context.requestUrl).includes(payload.iss!)) {
        throw new TokenError(
          "The JWT's iss is not <origin>/v1/clients/<clientId> for the key's service client (origin: https://<accountId>.api.authress.io or this server's URL)",
        );
      }
      return {
        kind: 'service-client',
        clientId: client.clientId,
        accountId: client.accountId,
        claims: payload,
      };
    } catch (error) {
      if (error instanceof TokenError) throw error;
      if (error instanceof joseErrors.JWTExpired) throw new TokenError('The JWT has expired');
      if (error instanceof joseErrors.JWSSignatureVerificationFailed) {
        throw new TokenError('The JWT signature does not verify');
      }
      if (error instanceof joseErrors.JWTClaimValidationFailed) {
        throw new TokenError(`The JWT claim "${error.claim}" is invalid (${error.reason})`);
      }
      throw new TokenError('The JWT is malformed or its algorithm is not EdDSA');
    }
  }
}

const AUDIENCE_SUFFIX = '.accounts.authress.io';

/** A token issued more than the clock tolerance in the future is refused. */
function refuseFutureIat(iat: number | undefined, now: number): void {
  if (iat !== undefined && iat > now + CLOCK_TOLERANCE_SECONDS) {
    throw new TokenError('The JWT claim "iat" is in the future');
  }
}

/**
 * The `iss` values a service client's JWT may carry: `<origin>/v1/clients/<clientId>`,
 * where origin is the account's Authress host, or the URL this request was made to (as a
 * custom domain: its origin, with or without the `/authress` prefix; the JS SDK and
 * iamkit send the configured `authressApiUrl`, the Python SDK may send the bare origin).
 * The client ID is percent-encoded (JS SDK) or, when that differs, as is (Python SDK).
 */
export function acceptedIssuers(
  client: Pick<ServiceClientKey, 'clientId' | 'accountId'>,
  requestUrl: string,
): string[] {
  let origin: string | undefined;
  try {
    origin = new URL(requestUrl).origin;
  } catch {
    origin = undefined;
  }
  const origins = [`https://${client.accountId}.api.authress.io`];
  if (origin && origin !== 'null') origins.push(origin, `${origin}/authress`);
  const ids = [...new Set([encodeURIComponent(client.clientId), client.clientId])];
  return origins.flatMap((o) => ids.map((id) => `${o}/v1/clients/${id}`));
}
