import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type MockServer, startMockServer } from '../src/index.js';
import { probeRoutes } from './fixtures/probe-routes.js';
import { basic, demoKey, memberKey } from './helpers.js';

let server: MockServer;
const errors: unknown[] = [];

beforeAll(async () => {
  server = await startMockServer({
    port: 0,
    routes: [probeRoutes],
    onError: (e) => errors.push(e),
  });
});
afterAll(() => server.close());
beforeEach(() => server.reset());

async function call(
  method: string,
  path: string,
  init: { headers?: Record<string, string>; body?: string } = {},
) {
  const res = await fetch(`${server.url}${path}`, { method, ...init });
  const text = await res.text();
  return {
    res,
    status: res.status,
    text,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined,
  };
}

describe('startMockServer', () => {
  it('listens on a free loopback port and exposes both base URLs', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.port).toBeGreaterThan(0);
    expect(server.authressUrl).toBe(`${server.url}/authress`);
  });

  it('reports the default identities with their credentials', () => {
    const { users, serviceClients } = server.identities;
    expect(users.map((u) => u.username).sort()).toEqual(['demo', 'demo-member']);
    const demo = users.find((u) => u.username === 'demo')!;
    expect(demo).toMatchObject({ password: 'demo-password', apiKeys: ['demo-api-key'] });
    expect(demo.organizations).toEqual({ 'demo-org': 'owner' });
    expect(users.find((u) => u.username === 'demo-member')!.apiKeys).toEqual(['demo-member-key']);
    expect(serviceClients).toHaveLength(1);
    expect(serviceClients[0]!.accessKey).toMatch(/^sc_demo\.[^.]+\.acc-mock\.[A-Za-z0-9+/=]+$/);
  });

  it('generates a fresh access key per server', async () => {
    const other = await startMockServer({ port: 0 });
    try {
      expect(other.identities.serviceClients[0]!.accessKey).not.toBe(
        server.identities.serviceClients[0]!.accessKey,
      );
    } finally {
      await other.close();
    }
  });

  it('rejects a bad seed naming the field', async () => {
    await expect(
      startMockServer({ port: 0, seed: { users: [{ username: 'a', email: 'not-an-email' }] } }),
    ).rejects.toThrow(/users\[0\]\.email/);
    await expect(
      startMockServer({
        port: 0,
        seed: {
          users: [{ username: 'a', email: 'a@x.io' }],
          organizations: [{ name: 'o', members: [{ username: 'ghost', role: 'owner' }] }],
        },
      }),
    ).rejects.toThrow(/organizations\[0\]\.members\[0\]\.username: no user "ghost"/);
    await expect(
      startMockServer({
        port: 0,
        seed: {
          organizations: [{ name: 'o', members: [{ username: 'a', role: 'boss' as 'owner' }] }],
        },
      }),
    ).rejects.toThrow(/organizations\[0\]\.members\[0\]\.role/);
    await expect(
      startMockServer({
        port: 0,
        seed: { serviceClients: [{ clientId: 'sc_x', accessKey: 'a.b.c.notakey' }] },
      }),
    ).rejects.toThrow(/serviceClients\[0\]\.accessKey/);
  });
});

describe('GET /v1/user', () => {
  it('returns the profile and organizations of an API-key caller', async () => {
    const { status, body, res } = await call('GET', '/v1/user', { headers: demoKey });
    expect(status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(body).toMatchObject({ username: 'demo', email: 'demo@example.com' });
    expect(body!['organizations']).toEqual([
      expect.objectContaining({ organization_name: 'demo-org', role: 'owner', username: 'demo' }),
    ]);
    expect(JSON.stringify(body)).not.toMatch(/demo-password|demo-api-key|null/);
  });

  it('accepts HTTP Basic, a bearer API key, and the API key together with Basic', async () => {
    expect(
      (await call('GET', '/v1/user', { headers: basic('demo-member', 'demo-member-password') }))
        .body,
    ).toMatchObject({
      username: 'demo-member',
    });
    expect(
      (await call('GET', '/v1/user', { headers: { Authorization: 'Bearer demo-member-key' } }))
        .body,
    ).toMatchObject({ username: 'demo-member' });
    const both = await call('GET', '/v1/user', {
      headers: { ...memberKey, ...basic('demo', 'demo-password') },
    });
    expect(both.body).toMatchObject({ username: 'demo-member' });
  });

  it.each([
    ['empty', ''],
    ['whitespace-only', '   '],
  ])(
    'treats an %s X-TILEDB-REST-API-KEY as absent: Basic or bearer decides',
    async (_label, key) => {
      const withBasic = await call('GET', '/v1/user', {
        headers: { 'X-TILEDB-REST-API-KEY': key, ...basic('demo', 'demo-password') },
      });
      expect(withBasic.status).toBe(200);
      expect(withBasic.body).toMatchObject({ username: 'demo' });
      const withBearer = await call('GET', '/v1/user', {
        headers: { 'X-TILEDB-REST-API-KEY': key, Authorization: 'Bearer demo-member-key' },
      });
      expect(withBearer.body).toMatchObject({ username: 'demo-member' });
      const wrongBasic = await call('GET', '/v1/user', {
        headers: { 'X-TILEDB-REST-API-KEY': key, ...basic('demo', 'wrong') },
      });
      expect(wrongBasic.status).toBe(401);
      expect(wrongBasic.body!['message']).toBe('Invalid username or password');
    },
  );

  it.each([
    ['no credentials', {}],
    ['only an empty API key header', { 'X-TILEDB-REST-API-KEY': '' }],
    ['only a blank API key header', { 'X-TILEDB-REST-API-KEY': ' \t ' }],
    ['an unknown API key', { 'X-TILEDB-REST-API-KEY': 'nope-nope-nope' }],
    ['a wrong password', basic('demo', 'wrong')],
    ['an unknown user', basic('ghost', 'demo-password')],
    ['a bearer that is no API key', { Authorization: 'Bearer nope-nope' }],
    ['an unknown scheme', { Authorization: 'Digest abc' }],
    ['an API key in Authorization without a scheme', { Authorization: 'nope-nope-key' }],
    [
      'a bad API key even with good Basic',
      { 'X-TILEDB-REST-API-KEY': 'bad-key-123', ...basic('demo', 'demo-password') },
    ],
  ])('refuses %s with 401 in the TileDB shape', async (_label, headers) => {
    const { status, body, res } = await call('GET', '/v1/user', { headers });
    expect(status).toBe(401);
    expect(body).toEqual({
      code: 401,
      message: expect.any(String),
      request_id: res.headers.get('x-request-id'),
    });
    expect(body!['message']).not.toMatch(/nope|wrong|bad-key|demo-password/);
  });
});

describe('wire behaviour', () => {
  it('sends x-request-id on successes and errors alike', async () => {
    for (const [method, path, headers] of [
      ['GET', '/v1/user', demoKey],
      ['GET', '/v1/user', {}],
      ['GET', '/nowhere', {}],
      ['DELETE', '/v1/user', demoKey],
    ] as const) {
      const { res } = await call(method, path, { headers });
      expect(res.headers.get('x-request-id'), `${method} ${path}`).toMatch(/\S+/);
    }
  });

  it('ids requests itself: an x-request-id the client sends is not taken over', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 2; i++) {
      const { res, body } = await call('GET', '/v1/user', {
        headers: { 'x-request-id': 'abc-123' },
      });
      expect(res.status).toBe(401);
      expect(body!['request_id']).toBe(res.headers.get('x-request-id'));
      ids.add(String(body!['request_id']));
    }
    expect(ids.size).toBe(2);
    expect(ids.has('abc-123')).toBe(false);
  });

  it('answers an unknown route with 404 in the API shape of its prefix', async () => {
    const tiledb = await call('GET', '/v2/nothing/here', { headers: demoKey });
    expect(tiledb.status).toBe(404);
    expect(tiledb.body).toMatchObject({ code: 404, message: 'No route for GET /v2/nothing/here' });
    const authress = await call('GET', '/authress/v1/nothing');
    expect(authress.status).toBe(404);
    expect(authress.body).toEqual({
      title: 'No route for GET /authress/v1/nothing',
      errorCode: 'NotFound',
      errorId: authress.res.headers.get('x-request-id'),
    });
  });

  it('answers a wrong method on a known route with 405 and Allow', async () => {
    const { status, res, body } = await call('PATCH', '/v4/probe/items/demo/x', {
      headers: demoKey,
    });
    expect(status).toBe(405);
    expect(res.headers.get('allow')).toBe('PUT, GET, OPTIONS');
    expect(body!['message']).toMatch(/PATCH is not allowed/);
    const authress = await call('DELETE', '/authress/v1/probe');
    expect(authress.status).toBe(405);
    expect(authress.body).toMatchObject({ errorCode: 'MethodNotAllowed' });
  });

  it('refuses a body over the route limit with 413', async () => {
    const big = JSON.stringify({ name: 'x'.repeat(4096) });
    const { status, body } = await call('PUT', '/v4/probe/items/demo/big', {
      headers: { ...demoKey, 'Content-Type': 'application/json' },
      body: big,
    });
    expect(status).toBe(413);
    expect(body!['message']).toMatch(/2 KB/);
    const authress = await call('POST', '/authress/v1/probe', {
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'y'.repeat(101 * 1024) }),
    });
    expect(authress.status).toBe(413);
    expect(authress.body).toMatchObject({ errorCode: 'PayloadTooLarge' });
  });

  it('rejects malformed JSON and an empty required body with 400', async () => {
    const headers = { ...demoKey, 'Content-Type': 'application/json' };
    const malformed = await call('PUT', '/v4/probe/items/demo/a', { headers, body: '{"name": ' });
    expect(malformed.status).toBe(400);
    expect(malformed.body!['message']).toMatch(/^Malformed JSON/);
    const empty = await call('PUT', '/v4/probe/items/demo/a', { headers });
    expect(empty.status).toBe(400);
    expect(empty.body!['message']).toMatch(/body is required/);
  });

  it('parses a JSON body whatever Content-Type it claims (curl -d, fetch with a string)', async () => {
    for (const contentType of ['application/x-www-form-urlencoded', 'text/plain;charset=UTF-8']) {
      const res = await call('PUT', '/v4/probe/items/demo/ct', {
        headers: { ...demoKey, 'Content-Type': contentType },
        body: '{"name":"ct"}',
      });
      expect(res.status, contentType).toBe(204);
    }
    const notJson = await call('PUT', '/v4/probe/items/demo/ct', {
      headers: { ...demoKey, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'name=ct',
    });
    expect(notJson.status).toBe(400);
  });

  it('names the bad field in a validation error (v4 also lists fields)', async () => {
    const { status, body } = await call('PUT', '/v4/probe/items/demo/a', {
      headers: { ...demoKey, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        name: 'a',
        users: [{ userId: 'ok' }, { userId: 'NOT OK' }],
        extra: 1,
      }),
    });
    expect(status).toBe(400);
    expect(body!['message']).toMatch(/"users\[1\]\.userId": Invalid userId/);
    expect(body!['validation_error']).toEqual({
      fields: expect.arrayContaining([
        { field: 'users[1].userId', message: 'Invalid userId' },
        expect.objectContaining({ field: 'extra' }),
      ]),
    });
  });

  it('validates query parameters, naming the parameter', async () => {
    const { status, body } = await call('POST', '/v2/probe/counter/q?fail=maybe', {
      headers: demoKey,
    });
    expect(status).toBe(400);
    expect(body!['message']).toMatch(/query parameter "fail"/);
  });

  it('accepts Content-Type: application/json on bodiless GET, DELETE and OPTIONS', async () => {
    const headers = { ...demoKey, 'Content-Type': 'application/json', Accept: 'application/json' };
    expect((await call('GET', '/v1/user', { headers })).status).toBe(200);
    await call('PUT', '/v4/probe/items/demo/o', { headers, body: '{"name":"o"}' });
    expect((await call('OPTIONS', '/v4/probe/items/demo/o', { headers })).status).toBe(204);
    expect((await call('OPTIONS', '/v4/probe/items/demo/absent', { headers })).status).toBe(404);
  });

  it('decodes fully percent-encoded path parameters, %2F included', async () => {
    const headers = { ...demoKey, 'Content-Type': 'application/json' };
    const put = await call('PUT', '/v4/probe/items/demo/a%2Fb%20c', {
      headers,
      body: '{"name":"slashy"}',
    });
    expect(put.status).toBe(204);
    const got = await call('GET', '/v4/probe/items/%64emo/a%2Fb%20c', { headers: demoKey });
    expect(got.body).toEqual({ name: 'slashy', key: 'a/b c' });
    expect((await call('GET', '/v4/probe/items/demo/a', { headers: demoKey })).status).toBe(404);
  });

  it('treats OPTIONS with Access-Control-Request-Method as a CORS preflight, any other OPTIONS as the API', async () => {
    const preflight = await call('OPTIONS', '/v4/probe/items/demo/absent', {
      headers: {
        Origin: 'http://localhost:3000',
        'Access-Control-Request-Method': 'PUT',
        'Access-Control-Request-Headers': 'x-tiledb-rest-api-key, content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.res.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.res.headers.get('access-control-allow-methods')).toContain('PUT');
    expect(preflight.res.headers.get('access-control-allow-headers')).toContain(
      'x-tiledb-rest-api-key',
    );
    const api = await call('OPTIONS', '/v4/probe/items/demo/absent', {
      headers: { Origin: 'http://localhost:3000' },
    });
    expect(api.status).toBe(401);
    expect(api.res.headers.get('access-control-allow-origin')).toBe('*');
    const actual = await call('GET', '/v1/user', {
      headers: { ...demoKey, Origin: 'http://x.test' },
    });
    expect(actual.res.headers.get('access-control-expose-headers')).toContain('x-request-id');
  });

  it('never returns write-only secrets and answers bodiless successes with no body', async () => {
    const headers = { ...demoKey, 'Content-Type': 'application/json' };
    const put = await call('PUT', '/v4/probe/items/demo/s', {
      headers,
      body: JSON.stringify({ name: 's', secret_access_key: 'AKIA-SUPER-SECRET' }),
    });
    expect(put.status).toBe(204);
    expect(put.text).toBe('');
    expect(put.res.headers.get('content-type')).toBeNull();
    const got = await call('GET', '/v4/probe/items/demo/s', { headers: demoKey });
    expect(got.text).not.toContain('AKIA-SUPER-SECRET');
    const state = await call('GET', '/__admin/state');
    expect(state.text).not.toMatch(/AKIA-SUPER-SECRET|demo-api-key|demo-password|demo-member-key/);
    expect(state.text).not.toContain(server.identities.serviceClients[0]!.accessKey!);
  });

  it('turns an unexpected exception into a 500 without leaking its message', async () => {
    const { status, body } = await call('GET', '/v2/probe/crash', { headers: demoKey });
    expect(status).toBe(500);
    expect(body!['message']).toBe('Internal server error');
    expect(errors).toHaveLength(1);
    errors.length = 0;
  });
});

describe('store writes', () => {
  it('serializes concurrent read-modify-write on one resource: no update is lost', async () => {
    const results = await Promise.all(
      Array.from({ length: 60 }, () => call('POST', '/v2/probe/counter/c1', { headers: demoKey })),
    );
    expect(results.every((r) => r.status === 200)).toBe(true);
    const values = results.map((r) => r.body!['value'] as number).sort((a, b) => a - b);
    expect(values).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
  });

  it('applies nothing from a write callback that throws', async () => {
    await call('POST', '/v2/probe/counter/c2', { headers: demoKey });
    const failed = await call('POST', '/v2/probe/counter/c2?fail=yes', { headers: demoKey });
    expect(failed.status).toBe(409);
    const next = await call('POST', '/v2/probe/counter/c2', { headers: demoKey });
    expect(next.body).toEqual({ value: 2 });
  });
});

describe('authorization matrix', () => {
  // namespace x caller x permission -> expected status. demo owns demo-org; demo-member reads it.
  const callers = {
    demo: demoKey,
    member: memberKey,
    admin: { 'X-TILEDB-REST-API-KEY': 'org-admin-key' },
    writer: { 'X-TILEDB-REST-API-KEY': 'org-writer-key' },
    outsider: { 'X-TILEDB-REST-API-KEY': 'outsider-key' },
  } as const;
  let matrixServer: MockServer;
  beforeAll(async () => {
    matrixServer = await startMockServer({
      port: 0,
      routes: [probeRoutes],
      seed: {
        users: [
          { username: 'demo', email: 'd@x.io', apiKeys: ['demo-api-key'] },
          { username: 'demo-member', email: 'm@x.io', apiKeys: ['demo-member-key'] },
          { username: 'org-admin', email: 'a@x.io', apiKeys: ['org-admin-key'] },
          { username: 'org-writer', email: 'w@x.io', apiKeys: ['org-writer-key'] },
          { username: 'outsider', email: 'o@x.io', apiKeys: ['outsider-key'] },
        ],
        organizations: [
          {
            name: 'acme',
            members: [
              { username: 'demo', role: 'owner' },
              { username: 'org-admin', role: 'admin' },
              { username: 'org-writer', role: 'read_write' },
              { username: 'demo-member', role: 'read_only' },
            ],
          },
          { name: 'other-org', members: [{ username: 'outsider', role: 'owner' }] },
        ],
      },
    });
  });
  afterAll(() => matrixServer.close());

  //            namespace      caller      read write admin owner
  const rows: [string, keyof typeof callers, number, number, number, number][] = [
    ['demo', 'demo', 200, 200, 200, 200],
    ['acme', 'demo', 200, 200, 200, 200],
    ['acme', 'admin', 200, 200, 200, 403],
    ['acme', 'writer', 200, 200, 403, 403],
    ['acme', 'member', 200, 403, 403, 403],
    ['acme', 'outsider', 404, 404, 404, 404],
    ['demo', 'member', 404, 404, 404, 404],
    ['other-org', 'demo', 404, 404, 404, 404],
    ['no-such-namespace', 'demo', 404, 404, 404, 404],
  ];
  const cases = rows.flatMap(([ns, caller, ...statuses]) =>
    (['read', 'write', 'admin', 'owner'] as const).map(
      (perm, i) => [ns, caller, perm, statuses[i]!] as const,
    ),
  );

  it.each(cases)('%s as %s needing %s -> %i', async (ns, caller, perm, expected) => {
    const res = await fetch(`${matrixServer.url}/v2/probe/${perm}/${ns}`, {
      headers: callers[caller],
    });
    expect(res.status).toBe(expected);
    const body = (await res.json()) as Record<string, unknown>;
    if (expected === 404) {
      expect(body['message']).toBe(
        `Namespace "${ns}" was not found, or you do not have access to it`,
      );
    }
    if (expected === 403)
      expect(body['message']).toMatch(new RegExp(`does not allow ${perm} access`));
  });

  it('gives a stranger the same answer for an existing and a missing namespace', async () => {
    const strip = async (ns: string) => {
      const res = await fetch(`${matrixServer.url}/v2/probe/read/${ns}`, {
        headers: callers.outsider,
      });
      const { request_id: _id, ...rest } = (await res.json()) as Record<string, unknown>;
      return {
        status: res.status,
        message: String(rest['message']).replace(ns, 'NS'),
        code: rest['code'],
      };
    };
    expect(await strip('acme')).toEqual(await strip('ghost-org'));
  });
});
