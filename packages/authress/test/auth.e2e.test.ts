/** Tokens: service-client JWTs signed by the client, user tokens, and everything refused. */
import { createPublicKey, verify } from 'node:crypto';
import { inspect } from 'node:util';
import {
  AuthenticationError,
  AuthressGroupsClient,
  ConfigError,
  InvalidAccessKeyError,
  NotFoundError,
  PermissionDeniedError,
} from '@iamkit/authress';
import { authressAccessKeyAuth } from '@iamkit/transport';
import { describe, expect, it } from 'vitest';
import { unknownAccessKey, useHarness } from './helpers.js';

const h = useHarness();

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const decodePart = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));

/** Verifies a compact EdDSA JWT against a JWK set fetched from the server, with node:crypto. */
async function verifiesWithJwks(token: string, jwksUrl: string): Promise<boolean> {
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const { kid } = decodePart(header) as { kid: string };
  const jwks = (await (await fetch(jwksUrl)).json()) as { keys: Array<{ kid: string }> };
  const jwk = jwks.keys.find((key) => key.kid === kid);
  if (!jwk) return false;
  const key = createPublicKey({ key: jwk as never, format: 'jwk' });
  return verify(
    null,
    Buffer.from(`${header}.${payload}`),
    key,
    Buffer.from(signature, 'base64url'),
  );
}

describe('service-client access keys', () => {
  it('a real signed token is accepted, and anyone can verify it from the JWKS', async () => {
    const group = await h.client.createGroup({ name: 'Signed', users: [], admins: [] });
    expect(group.groupId).toMatch(/^grp_/);

    const token = await h.token();
    const header = decodePart(token.split('.')[0]!);
    const claims = decodePart(token.split('.')[1]!);
    const sc = h.server.identities.serviceClients[0]!;
    expect(header).toMatchObject({ alg: 'EdDSA', kid: sc.keyId, typ: 'at+jwt' });
    expect(claims).toMatchObject({
      sub: sc.clientId,
      client_id: sc.clientId,
      aud: `${sc.accountId}.accounts.authress.io`,
      iss: `${h.server.authressUrl}/v1/clients/${sc.clientId}`,
    });
    expect(claims.exp - claims.iat).toBe(86_400);

    // The issuer's own JWKS and the account JWKS both carry the key.
    expect(
      await verifiesWithJwks(token, `${claims.iss}/.well-known/openid-configuration/jwks`),
    ).toBe(true);
    expect(
      await verifiesWithJwks(
        token,
        `${h.server.authressUrl}/.well-known/openid-configuration/jwks`,
      ),
    ).toBe(true);
    const unknownClient = await fetch(
      `${h.server.authressUrl}/v1/clients/sc_nobody/.well-known/openid-configuration/jwks`,
    );
    expect(unknownClient.status).toBe(404);
  });

  it('the JWKS carries public keys only', async () => {
    const jwks = (await (
      await fetch(`${h.server.authressUrl}/.well-known/openid-configuration/jwks`)
    ).json()) as { keys: Record<string, unknown>[] };
    expect(jwks.keys.length).toBeGreaterThanOrEqual(2);
    for (const key of jwks.keys) {
      expect(key).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA' });
      expect(key).not.toHaveProperty('d');
    }
  });

  it('a token signed by an unknown key is refused with 401', async () => {
    const stranger = h.clientWith({ accessKey: unknownAccessKey() });
    const error = await stranger.getGroups().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).status).toBe(401);
    expect((error as AuthenticationError).authress?.title).toMatch(/unknown key/);
  });

  it('an expired token is refused with 401', async () => {
    const twoDaysAgo = () => Date.now() - 2 * 86_400_000;
    const expired = authressAccessKeyAuth(h.accessKey, {
      authressApiUrl: h.server.authressUrl,
      now: twoDaysAgo,
    });
    const error = await h
      .clientWith({ auth: expired })
      .getGroups()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).authress?.title).toMatch(/expired/);
  });

  it('a tampered token is refused with 401', async () => {
    const token = await h.token();
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const claims = decodePart(payload);
    const tampered = `${header}.${b64url({ ...claims, exp: claims.exp + 86_400 * 365 })}.${signature}`;
    const response = await h.raw('/v1/groups', {
      headers: { authorization: `Bearer ${tampered}` },
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ errorCode: 'Unauthorized' });

    const error = await h
      .clientWith({ token: tampered })
      .getGroups()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
  });

  it('no token at all is 401', async () => {
    const response = await fetch(`${h.server.authressUrl}/v1/groups`);
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(await response.json()).toEqual({
      title: expect.any(String),
      errorCode: 'Unauthorized',
      errorId: expect.any(String),
    });
  });

  it('a malformed access key fails before anything is sent, without echoing the key', () => {
    const key = 'sc_a.key_b.acc-c.not-a-key!!';
    let error: unknown;
    try {
      new AuthressGroupsClient({ authressApiUrl: h.server.authressUrl, accessKey: key });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidAccessKeyError);
    expect(String((error as Error).message)).not.toContain('not-a-key');
    expect(JSON.stringify(error)).not.toContain('not-a-key');
  });
});

describe('user tokens', () => {
  it('a minted user token verifies against the account JWKS', async () => {
    const token = await h.userToken('oauth2|carol');
    expect(
      await verifiesWithJwks(
        token,
        `${h.server.authressUrl}/.well-known/openid-configuration/jwks`,
      ),
    ).toBe(true);
    expect(decodePart(token.split('.')[1]!)).toMatchObject({ sub: 'oauth2|carol' });
  });

  it('a user sees the groups they belong to and changes only those they administer', async () => {
    const admin = await h.client.createGroup({
      name: 'Carol admins',
      users: [],
      admins: [{ userId: 'oauth2|carol' }],
    });
    const member = await h.client.createGroup({
      name: 'Carol member',
      users: [{ userId: 'oauth2|carol' }],
      admins: [],
    });
    const other = await h.client.createGroup({ name: 'Not Carol', users: [], admins: [] });

    // A token provider function, as a browser app would pass.
    let calls = 0;
    const carolToken = await h.userToken('oauth2|carol');
    const carol = h.clientWith({
      token: () => {
        calls++;
        return carolToken;
      },
    });
    const visible = [];
    for await (const g of carol.listAllGroups()) visible.push(g.name);
    expect(visible).toEqual(['Carol admins', 'Carol member']);
    expect(calls).toBeGreaterThan(0);

    await expect(carol.getGroup(other.groupId!)).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      carol.updateGroup(admin.groupId!, { ...admin, name: 'Renamed by Carol' }),
    ).resolves.toMatchObject({ name: 'Renamed by Carol' });
    await expect(
      carol.updateGroup(member.groupId!, { ...member, name: 'nope' }),
    ).rejects.toBeInstanceOf(PermissionDeniedError);
    await expect(carol.deleteGroup(member.groupId!)).rejects.toBeInstanceOf(PermissionDeniedError);
    await expect(carol.createGroup({ name: 'Mine', users: [], admins: [] })).rejects.toBeInstanceOf(
      PermissionDeniedError,
    );
  });

  it('minting refuses a bad userId', async () => {
    const response = await fetch(`${h.server.authressUrl}/api/authentication`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId: '' }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ errorCode: 'InvalidRequest' });
  });
});

describe('constructor', () => {
  it('needs an Authress URL, and only one kind of credential', () => {
    expect(() => new AuthressGroupsClient({ accessKey: h.accessKey })).toThrow(ConfigError);
    expect(
      () =>
        new AuthressGroupsClient({
          authressApiUrl: h.server.authressUrl,
          accessKey: h.accessKey,
          token: 't',
        }),
    ).toThrow(/only one of auth, accessKey and token/);
  });

  it('shares a transport', async () => {
    const shared = new AuthressGroupsClient({ transport: h.client.transport });
    await expect(shared.getGroups()).resolves.toMatchObject({ groups: [] });
    expect(
      () => new AuthressGroupsClient({ transport: h.client.transport, accessKey: h.accessKey }),
    ).toThrow(ConfigError);
  });
});

describe('authressApiUrl', () => {
  it('a bare host means https, as in the Authress SDKs', () => {
    const client = new AuthressGroupsClient({
      authressApiUrl: 'acc-123.api.authress.io',
      token: 't',
    });
    expect(client.transport.baseUrl).toBe('https://acc-123.api.authress.io');
  });
});

describe('secrets', () => {
  it('neither the access key nor the token reaches errors, hooks or the client itself', async () => {
    const events: unknown[] = [];
    const client = h.clientWith({
      hooks: {
        beforeRequest: (event) => {
          events.push(event);
        },
        afterResponse: (event) => {
          events.push(event);
        },
        onError: (event) => {
          events.push(event);
        },
      },
    });
    await client.createGroup({ name: 'x', users: [], admins: [] });
    const error = await client.getGroup('grp_nope').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(events.length).toBeGreaterThanOrEqual(4);
    const token = await h.token();
    const dump = [
      JSON.stringify(client),
      inspect(client, { depth: 10 }),
      JSON.stringify(error),
      inspect(error, { depth: 10 }),
      inspect(events, { depth: 10 }),
    ].join('\n');
    expect(dump).not.toContain(h.accessKey.split('.')[3]!);
    expect(dump).not.toContain(token.split('.')[2]!);
    expect(dump).toContain('[REDACTED]');
  });
});
