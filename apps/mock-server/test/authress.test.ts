import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { authressAccessKeyAuth } from '@iamkit/transport';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateAccessKey, type MockServer, startMockServer } from '../src/index.js';
import { probeRoutes } from './fixtures/probe-routes.js';

let server: MockServer;
let accessKey: string;
const external = generateAccessKey({
  clientId: 'sc_external',
  accountId: 'acc-mock',
  keyId: 'key_ext',
});

beforeAll(async () => {
  server = await startMockServer({
    port: 0,
    routes: [probeRoutes],
    seed: {
      users: [{ username: 'demo', email: 'demo@example.com', apiKeys: ['demo-api-key'] }],
      serviceClients: [
        { clientId: 'sc_demo' },
        { clientId: 'sc:enc', accountId: 'acc-mock' },
        {
          clientId: 'sc_external',
          keyId: 'key_ext',
          accountId: 'acc-mock',
          publicKey: external.publicJwk,
        },
      ],
    },
  });
  accessKey = server.identities.serviceClients.find((c) => c.clientId === 'sc_demo')!.accessKey!;
});
afterAll(() => server.close());

function parts(key: string) {
  const [clientId, keyId, accountId, der] = key.split('.') as [string, string, string, string];
  return {
    clientId,
    keyId,
    accountId,
    privateKey: createPrivateKey({ key: Buffer.from(der, 'base64'), format: 'der', type: 'pkcs8' }),
  };
}

/** A token the way the Python SDK mints it: typ JWT, `scopes: openId`, unencoded client in iss. */
async function pythonStyleToken(
  key: string,
  overrides: {
    exp?: number;
    sub?: string;
    aud?: string;
    kid?: string;
    iss?: string | null;
    iat?: number;
  } = {},
) {
  const p = parts(key);
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT({ client_id: p.clientId, scopes: 'openId' })
    .setProtectedHeader({ alg: 'EdDSA', kid: overrides.kid ?? p.keyId, typ: 'JWT' })
    .setSubject(overrides.sub ?? p.clientId)
    .setAudience(overrides.aud ?? `${p.accountId}.accounts.authress.io`)
    .setIssuedAt(overrides.iat ?? now)
    .setExpirationTime(overrides.exp ?? now + 86_400);
  if (overrides.iss !== null) {
    jwt.setIssuer(overrides.iss ?? `${server.authressUrl}/v1/clients/${p.clientId}`);
  }
  return jwt.sign(p.privateKey);
}

async function probe(headers: Record<string, string>) {
  const res = await fetch(`${server.authressUrl}/v1/probe`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify({ name: 'n' }),
  });
  return { status: res.status, res, body: (await res.json()) as Record<string, unknown> };
}

describe('Authress authentication', () => {
  it('accepts the JWT the transport mints from a service-client access key (JS SDK claims)', async () => {
    const auth = authressAccessKeyAuth(accessKey, { authressApiUrl: server.authressUrl });
    const headers = await auth.headers({ url: `${server.authressUrl}/v1/probe`, method: 'POST' });
    const { status, body, res } = await probe(headers);
    expect(status).toBe(201);
    expect(res.headers.get('content-type')).toMatch(/^application\/links\+json/);
    expect(body).toEqual({ name: 'n', kind: 'service-client', subject: 'sc_demo' });
  });

  it('accepts the claims the Python SDK produces', async () => {
    const { status, body } = await probe({
      Authorization: `Bearer ${await pythonStyleToken(accessKey)}`,
    });
    expect(status).toBe(201);
    expect(body['subject']).toBe('sc_demo');
  });

  it('accepts a client seeded with only a public key', async () => {
    const { status, body } = await probe({
      Authorization: `Bearer ${await pythonStyleToken(external.accessKey)}`,
    });
    expect(status).toBe(201);
    expect(body['subject']).toBe('sc_external');
  });

  it('accepts a user token minted by the server, and lists its key in the JWKS', async () => {
    const minted = await fetch(`${server.authressUrl}/api/probe-authentication`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ userId: 'user|alice' }),
    });
    const { accessToken } = (await minted.json()) as { accessToken: string };
    const { status, body } = await probe({ Authorization: `Bearer ${accessToken}` });
    expect(status).toBe(201);
    expect(body).toMatchObject({ kind: 'user', subject: 'user|alice' });
    const jwks = (await (await fetch(`${server.authressUrl}/probe-jwks`)).json()) as {
      keys: Array<{ kid: string }>;
    };
    expect(jwks.keys.map((k) => k.kid)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^mock-user-/), 'key_ext']),
    );
  });

  it.each([
    ['the account host', () => 'https://acc-mock.api.authress.io/v1/clients/sc_demo'],
    ['this server with the /authress prefix', () => `${server.authressUrl}/v1/clients/sc_demo`],
    ['this server without the /authress prefix', () => `${server.url}/v1/clients/sc_demo`],
  ])('accepts an iss at %s', async (_label, iss) => {
    const token = await pythonStyleToken(accessKey, { iss: iss() });
    expect((await probe({ Authorization: `Bearer ${token}` })).status).toBe(201);
  });

  it('accepts a percent-encoded client ID in iss (JS SDK) and the raw one (Python SDK)', async () => {
    const enc = server.identities.serviceClients.find((c) => c.clientId === 'sc:enc')!.accessKey!;
    for (const iss of [
      `${server.authressUrl}/v1/clients/sc%3Aenc`,
      `${server.authressUrl}/v1/clients/sc:enc`,
      'https://acc-mock.api.authress.io/v1/clients/sc%3Aenc',
    ]) {
      const token = await pythonStyleToken(enc, { iss });
      const { status, body } = await probe({ Authorization: `Bearer ${token}` });
      expect(status, iss).toBe(201);
      expect(body['subject']).toBe('sc:enc');
    }
    const auth = authressAccessKeyAuth(enc, { authressApiUrl: server.authressUrl });
    const headers = await auth.headers({ url: `${server.authressUrl}/v1/probe`, method: 'POST' });
    expect((await probe(headers)).status).toBe(201);
  });

  it('accepts an iat within the 60 s clock tolerance', async () => {
    const iat = Math.floor(Date.now() / 1000) + 30;
    const token = await pythonStyleToken(accessKey, { iat });
    expect((await probe({ Authorization: `Bearer ${token}` })).status).toBe(201);
  });

  it.each([
    ['no Authorization header', async () => ({})],
    [
      'an iss on another host',
      async () => ({
        Authorization: `Bearer ${await pythonStyleToken(accessKey, { iss: 'https://evil.example/v1/clients/sc_demo' })}`,
      }),
    ],
    [
      "an iss on another account's host",
      async () => ({
        Authorization: `Bearer ${await pythonStyleToken(accessKey, { iss: 'https://acc-other.api.authress.io/v1/clients/sc_demo' })}`,
      }),
    ],
    [
      'an iss on this server under another path',
      async () => ({
        Authorization: `Bearer ${await pythonStyleToken(accessKey, { iss: `${server.url}/evil/v1/clients/sc_demo` })}`,
      }),
    ],
    [
      'an iss naming another client',
      async () => ({
        Authorization: `Bearer ${await pythonStyleToken(accessKey, { iss: `${server.authressUrl}/v1/clients/sc_external` })}`,
      }),
    ],
    [
      'a token without iss',
      async () => ({
        Authorization: `Bearer ${await pythonStyleToken(accessKey, { iss: null })}`,
      }),
    ],
    [
      'an iat one day in the future',
      async () => ({
        Authorization: `Bearer ${await pythonStyleToken(accessKey, { iat: Math.floor(Date.now() / 1000) + 86_400 })}`,
      }),
    ],
    [
      'an iat 75 s in the future',
      async () => ({
        Authorization: `Bearer ${await pythonStyleToken(accessKey, { iat: Math.floor(Date.now() / 1000) + 75 })}`,
      }),
    ],
    ['a non-bearer scheme', async () => ({ Authorization: 'Basic ZGVtbzpkZW1v' })],
    ['a bearer that is not a JWT', async () => ({ Authorization: 'Bearer demo-api-key' })],
    [
      'an expired token',
      async () => ({
        Authorization: `Bearer ${await pythonStyleToken(accessKey, { exp: Math.floor(Date.now() / 1000) - 3600 })}`,
      }),
    ],
    [
      'a token whose sub names another client',
      async () => ({
        Authorization: `Bearer ${await pythonStyleToken(accessKey, { sub: 'sc_external' })}`,
      }),
    ],
    [
      'a token for another account',
      async () => ({
        Authorization: `Bearer ${await pythonStyleToken(accessKey, { aud: 'acc-other.accounts.authress.io' })}`,
      }),
    ],
    [
      'an unknown kid',
      async () => ({
        Authorization: `Bearer ${await pythonStyleToken(accessKey, { kid: 'key_unknown' })}`,
      }),
    ],
    [
      'a token signed with another key under a known kid',
      async () => {
        const forged = generateAccessKey({
          clientId: 'sc_demo',
          accountId: 'acc-mock',
          keyId: parts(accessKey).keyId,
        });
        return { Authorization: `Bearer ${await pythonStyleToken(forged.accessKey)}` };
      },
    ],
    [
      'an RS256 token',
      async () => {
        const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
        const token = await new SignJWT({ sub: 'sc_demo' })
          .setProtectedHeader({ alg: 'RS256', kid: parts(accessKey).keyId })
          .setExpirationTime('1h')
          .sign(privateKey);
        return { Authorization: `Bearer ${token}` };
      },
    ],
  ])('refuses %s with 401 in the Authress shape', async (_label, makeHeaders) => {
    const { status, body, res } = await probe(await makeHeaders());
    expect(status).toBe(401);
    expect(body).toEqual({
      title: expect.any(String),
      errorCode: 'Unauthorized',
      errorId: res.headers.get('x-request-id'),
    });
    expect(body['title']).not.toMatch(/eyJ/);
  });

  it('does not accept TileDB credentials on Authress routes, nor JWTs on TileDB routes', async () => {
    expect((await probe({ 'X-TILEDB-REST-API-KEY': 'demo-api-key' })).status).toBe(401);
    const token = await pythonStyleToken(accessKey);
    const res = await fetch(`${server.url}/v1/user`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(401);
  });
});
