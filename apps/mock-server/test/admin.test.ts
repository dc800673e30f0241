import { apiKeyAuth, ConnectionError, InternalServerError, Transport } from '@iamkit/transport';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type MockServer, startMockServer } from '../src/index.js';
import { probeRoutes } from './fixtures/probe-routes.js';
import { demoKey, memberKey } from './helpers.js';

let server: MockServer;
beforeAll(async () => {
  server = await startMockServer({ port: 0, routes: [probeRoutes] });
});
afterAll(() => server.close());
beforeEach(() => server.reset());

const admin = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${server.url}/__admin${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return {
    status: res.status,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined,
  };
};
const addFault = (rule: Record<string, unknown>) => admin('POST', '/faults', rule);

describe('admin surface (open on loopback)', () => {
  it('reports health', async () => {
    const { status, body } = await admin('GET', '/health');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      status: 'ok',
      persistence: 'memory',
      domains: expect.arrayContaining(['probe']),
    });
  });

  it('shows the state with secrets redacted', async () => {
    const { body } = await admin('GET', '/state');
    const users = body!['users'] as Record<string, Record<string, unknown>>;
    expect(users['demo']).toMatchObject({
      username: 'demo',
      password: '[redacted]',
      apiKeys: '[redacted]',
    });
    expect((body!['organizations'] as Record<string, unknown>)['demo-org']).toMatchObject({
      members: { demo: 'owner', 'demo-member': 'read_only' },
    });
    const client = (body!['authress_service_clients'] as Record<string, Record<string, unknown>>)[
      'sc_demo'
    ]!;
    expect(client['accessKey']).toBe('[redacted]');
    expect(client['publicJwk']).toMatchObject({ kty: 'OKP', crv: 'Ed25519' });
  });

  it('journals recent requests without secrets', async () => {
    await fetch(`${server.url}/v1/user?api_key=leaky-secret&x=1`, { headers: demoKey });
    await fetch(`${server.url}/v1/user`, { headers: { 'X-TILEDB-REST-API-KEY': 'wrong-key-1' } });
    const { body } = await admin('GET', '/requests?limit=3');
    const requests = body!['requests'] as Array<Record<string, unknown>>;
    expect(requests.length).toBeLessThanOrEqual(3);
    const [ok, denied] = requests.filter((r) => String(r['path']).startsWith('/v1/user'));
    expect(ok).toMatchObject({
      method: 'GET',
      status: 200,
      caller: 'demo',
      api: 'tiledb',
      path: '/v1/user?api_key=%5Bredacted%5D&x=1',
    });
    expect(denied).toMatchObject({ status: 401 });
    expect(denied).not.toHaveProperty('caller');
    expect(JSON.stringify(body)).not.toMatch(/leaky-secret|wrong-key-1|demo-api-key/);
    expect((await admin('GET', '/requests?limit=0')).status).toBe(400);
  });

  it('resets to the seed', async () => {
    await fetch(`${server.url}/v4/probe/items/demo/r`, {
      method: 'PUT',
      headers: { ...demoKey, 'Content-Type': 'application/json' },
      body: '{"name":"r"}',
    });
    expect(JSON.stringify((await admin('GET', '/state')).body)).toContain('probe_items');
    expect((await admin('POST', '/reset')).status).toBe(204);
    expect(JSON.stringify((await admin('GET', '/state')).body)).not.toContain('probe_items');
  });

  it('validates fault rules, naming the field', async () => {
    const bad = await addFault({ path: '/v1/user', status: 99 });
    expect(bad.status).toBe(400);
    expect(bad.body!['message']).toMatch(/"status"/);
    const none = await addFault({ path: '/v1/user' });
    expect(none.status).toBe(400);
    expect(none.body!['message']).toMatch(/latencyMs, status or drop/);
  });

  it('serves /openapi.json generated from the registered routes and their schemas', async () => {
    const doc = (await (await fetch(`${server.url}/openapi.json`)).json()) as {
      openapi: string;
      paths: Record<
        string,
        Record<
          string,
          {
            operationId: string;
            requestBody?: {
              content: Record<
                string,
                { schema: { properties: Record<string, unknown>; required: string[] } }
              >;
            };
          }
        >
      >;
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.paths['/v1/user']!['get']!.operationId).toBe('getUser');
    const put = doc.paths['/v4/probe/items/{namespace}/{name}']!['put']!;
    expect(put.operationId).toBe('putItem');
    const schema = put.requestBody!.content['application/json']!.schema;
    expect(Object.keys(schema.properties)).toEqual(['name', 'users', 'secret_access_key']);
    expect(schema.required).toEqual(['name']);
    expect(doc.paths['/authress/v1/probe']!['post']!.operationId).toBe('authressProbe');
  });

  it('documents query parameters with their decoded type (Authress limit: integer 1-20, default 20)', async () => {
    type Param = { name: string; in: string; required: boolean; schema: Record<string, unknown> };
    const doc = (await (await fetch(`${server.url}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { parameters?: Param[] }>>;
    };
    const param = (path: string, name: string) =>
      doc.paths[path]!['get']!.parameters!.find((p) => p.name === name)!;
    const limit = param('/authress/v1/groups', 'limit');
    expect(limit).toMatchObject({ in: 'query', required: false });
    expect(limit.schema).toEqual({
      type: 'integer',
      minimum: 1,
      maximum: 20,
      default: 20,
      description: 'Maximum number of groups to return.',
    });
    expect(param('/authress/v1/groups', 'cursor').schema).toMatchObject({ type: 'string' });
    expect(param('/__admin/requests', 'limit').schema).toEqual({
      type: 'integer',
      minimum: 1,
      maximum: 500,
    });
  });

  type Operation = {
    parameters?: Param[];
    responses: Record<string, { content?: Record<string, { schema: Record<string, unknown> }> }>;
  };
  type Param = {
    name: string;
    in: string;
    required: boolean;
    description?: string;
    schema: Record<string, unknown>;
  };
  const openapi = async () =>
    (await (await fetch(`${server.url}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, Operation>>;
    };

  it('documents deregisterGroup recursive as a boolean query parameter', async () => {
    const doc = await openapi();
    const op = doc.paths['/v2/groups/{group_namespace}/{group_name}']!['delete']!;
    expect(op.parameters!.find((p) => p.name === 'recursive')).toMatchObject({
      in: 'query',
      required: false,
      schema: { type: 'boolean', default: false },
    });
  });

  it('documents X-TILEDB-CLOUD-ACCESS-CREDENTIALS-NAME on the group operations that read it', async () => {
    const doc = await openapi();
    const namespace = doc.paths['/v2/groups/{group_namespace}']!;
    const group = doc.paths['/v2/groups/{group_namespace}/{group_name}']!;
    const metadata = doc.paths['/v2/groups/{group_namespace}/{group_name}/metadata']!;
    const header = (op: Operation) =>
      op.parameters?.find((p) => p.name === 'X-TILEDB-CLOUD-ACCESS-CREDENTIALS-NAME');
    for (const op of [
      namespace['post']!,
      namespace['put']!,
      group['post']!,
      group['patch']!,
      group['delete']!,
      group['options']!,
    ]) {
      expect(header(op)).toMatchObject({
        in: 'header',
        required: false,
        schema: { type: 'string' },
      });
    }
    expect(header(metadata['post']!)).toBeUndefined();
    expect(header(metadata['put']!)).toBeUndefined();
  });

  it('documents If-Unmodified-Since on the Authress group update', async () => {
    const doc = await openapi();
    const put = doc.paths['/authress/v1/groups/{groupId}']!['put']!;
    expect(put.parameters!.find((p) => p.name === 'If-Unmodified-Since')).toMatchObject({
      in: 'header',
      required: false,
      schema: { type: 'string', maxLength: 32 },
    });
    expect(doc.paths['/authress/v1/groups/{groupId}']!['get']!.parameters).toEqual([
      expect.objectContaining({ name: 'groupId', in: 'path' }),
    ]);
  });

  it('declares the error bodies: TileDB {code, message, request_id}, Authress {title, errorCode, errorId}', async () => {
    const doc = await openapi();
    const schemaOf = (op: Operation, status: string) =>
      op.responses[status]?.content?.['application/json']?.schema;
    const tiledb = {
      type: 'object',
      properties: {
        code: { type: 'integer' },
        message: { type: 'string' },
        request_id: { type: 'string' },
      },
    };
    const group = doc.paths['/v2/groups/{group_namespace}/{group_name}']!;
    for (const [op, statuses] of [
      [doc.paths['/v2/groups/{group_namespace}']!['post']!, ['400', '404', '409', 'default']],
      [doc.paths['/v2/groups/{group_namespace}']!['put']!, ['400', '404', '409']],
      [group['patch']!, ['400', '404']],
      [group['delete']!, ['400', '403', '404']],
      [group['post']!, ['404']],
    ] as const) {
      for (const status of statuses) expect(schemaOf(op, status), status).toMatchObject(tiledb);
    }
    // The existence probe's 404 is a bare status.
    expect(group['options']!.responses['404']!.content).toBeUndefined();
    const authress = {
      type: 'object',
      properties: {
        title: { type: 'string' },
        errorCode: { type: 'string' },
        errorId: { type: 'string' },
      },
    };
    const put = doc.paths['/authress/v1/groups/{groupId}']!['put']!;
    for (const status of ['400', '404', '412', 'default']) {
      expect(schemaOf(put, status), status).toMatchObject(authress);
    }
  });
});

describe('admin surface from a non-loopback address', () => {
  // app.request with a socket-like env: the guard sees a remote peer.
  const remote = (path: string, headers: Record<string, string> = {}) =>
    server.app.request(`/__admin${path}`, { headers }, {
      incoming: { socket: { remoteAddress: '10.1.2.3' } },
    } as never);

  it('needs the credentials of an admin user', async () => {
    const anonymous = await remote('/state');
    expect(anonymous.status).toBe(401);
    const member = await remote('/state', memberKey);
    expect(member.status).toBe(403);
    expect(await member.json()).toMatchObject({ message: expect.stringMatching(/admin user/) });
    expect((await remote('/state', demoKey)).status).toBe(200);
  });

  it('stays open on IPv6 and IPv4-mapped loopback', async () => {
    for (const remoteAddress of ['::1', '::ffff:127.0.0.1', '127.0.0.2']) {
      const res = await server.app.request('/__admin/health', {}, {
        incoming: { socket: { remoteAddress } },
      } as never);
      expect(res.status, remoteAddress).toBe(200);
    }
  });
});

describe('fault rules', () => {
  it('returns a status with Retry-After for the next N matching requests', async () => {
    const rule = await addFault({
      method: 'get',
      path: '/v1/*',
      status: 503,
      retryAfter: 2,
      times: 2,
    });
    expect(rule.status).toBe(201);
    expect(rule.body).toMatchObject({ id: expect.any(String), method: 'GET', remaining: 2 });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${server.url}/v1/user`, { headers: demoKey });
      statuses.push(res.status);
      if (res.status === 503) {
        expect(res.headers.get('retry-after')).toBe('2');
        expect(await res.json()).toMatchObject({
          code: 503,
          request_id: res.headers.get('x-request-id'),
        });
      }
    }
    expect(statuses).toEqual([503, 503, 200]);
    expect((await admin('GET', '/faults')).body!['faults']).toEqual([
      expect.objectContaining({ hits: 2, remaining: 0 }),
    ]);
  });

  it('renders an injected status in the Authress shape on Authress paths', async () => {
    await addFault({ path: '/authress/**', status: 429, times: 1 });
    const res = await fetch(`${server.url}/authress/v1/probe`, { method: 'POST' });
    expect(res.status).toBe(429);
    expect(await res.json()).toMatchObject({ errorCode: 'TooManyRequests' });
  });

  it('adds latency, fixed or random', async () => {
    await addFault({ path: '/v1/user', latencyMs: { min: 150, max: 200 }, times: 1 });
    const started = performance.now();
    const res = await fetch(`${server.url}/v1/user`, { headers: demoKey });
    expect(res.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('drops the connection', async () => {
    await addFault({ path: '/v1/user', drop: true, times: 1 });
    await expect(fetch(`${server.url}/v1/user`, { headers: demoKey })).rejects.toThrow();
    expect((await fetch(`${server.url}/v1/user`, { headers: demoKey })).status).toBe(200);
    const requests = (await admin('GET', '/requests')).body!['requests'] as Array<
      Record<string, unknown>
    >;
    expect(requests.find((r) => r['dropped'])).toMatchObject({ status: 0, path: '/v1/user' });
  });

  it('fires with a probability (0 never, 1 always) and clears', async () => {
    const never = await addFault({ path: '/v1/user', status: 500, probability: 0 });
    for (let i = 0; i < 5; i++)
      expect((await fetch(`${server.url}/v1/user`, { headers: demoKey })).status).toBe(200);
    expect((await admin('DELETE', `/faults/${never.body!['id']}`)).status).toBe(204);
    expect((await admin('DELETE', `/faults/${never.body!['id']}`)).status).toBe(404);
    await addFault({ path: '/v1/user', status: 500, probability: 1 });
    expect((await fetch(`${server.url}/v1/user`, { headers: demoKey })).status).toBe(500);
    expect((await admin('DELETE', '/faults')).status).toBe(204);
    expect((await fetch(`${server.url}/v1/user`, { headers: demoKey })).status).toBe(200);
  });

  it('matches path globs: * within a segment, ** across segments', async () => {
    await addFault({ path: '/v4/probe/*/demo', status: 418 });
    const headers = demoKey;
    expect((await fetch(`${server.url}/v4/probe/items/demo/x`, { headers })).status).not.toBe(418);
    await admin('DELETE', '/faults');
    await addFault({ path: '/v4/probe/**', status: 418 });
    expect((await fetch(`${server.url}/v4/probe/items/demo/x`, { headers })).status).toBe(418);
  });
});

describe('fault rules observed by a transport client with retries', () => {
  const client = () =>
    new Transport({
      baseUrl: server.url,
      auth: apiKeyAuth('demo-api-key'),
      retry: { limit: 3, baseDelay: 10, maxDelay: 50 },
    });

  it('retries through injected 503s with Retry-After and succeeds', async () => {
    await addFault({ method: 'GET', path: '/v1/user', status: 503, retryAfter: 0, times: 2 });
    const user = await client().request<{ username: string }>({ method: 'GET', path: '/v1/user' });
    expect(user.username).toBe('demo');
    const requests = (await admin('GET', '/requests')).body!['requests'] as Array<
      Record<string, unknown>
    >;
    expect(requests.filter((r) => r['path'] === '/v1/user').map((r) => r['status'])).toEqual([
      503, 503, 200,
    ]);
  });

  it('retries an idempotent request through a dropped connection', async () => {
    await addFault({ method: 'GET', path: '/v1/user', drop: true, times: 1 });
    const user = await client().request<{ username: string }>({ method: 'GET', path: '/v1/user' });
    expect(user.username).toBe('demo');
  });

  it('gives up after the retry limit with the typed error', async () => {
    await addFault({ method: 'GET', path: '/v1/user', status: 500 });
    const error = await client()
      .request({ method: 'GET', path: '/v1/user' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error).toMatchObject({
      status: 500,
      tiledb: { code: 500, message: 'Injected fault: HTTP 500' },
    });
    const hits = (await admin('GET', '/faults')).body!['faults'] as Array<{ hits: number }>;
    expect(hits[0]!.hits).toBe(4);
  });

  it('does not retry a non-idempotent POST through a dropped connection', async () => {
    await addFault({ method: 'POST', path: '/v2/probe/counter/*', drop: true, times: 1 });
    const error = await client()
      .request({ method: 'POST', path: '/v2/probe/counter/{name}', params: { name: 'once' } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    const hits = (await admin('GET', '/faults')).body!['faults'] as Array<{ hits: number }>;
    expect(hits[0]!.hits).toBe(1);
  });
});
