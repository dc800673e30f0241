/**
 * Authress groups are kept per account: a caller sees and changes only its own account's
 * groups, another account's group answers exactly like a missing one, and the same
 * groupId may exist in two accounts.
 */
import { authressAccessKeyAuth } from '@iamkit/transport';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type MockServer, startMockServer } from '../src/index.js';

let server: MockServer;

beforeAll(async () => {
  server = await startMockServer({
    port: 0,
    seed: {
      serviceClients: [
        { clientId: 'sc_a', accountId: 'acc-a' },
        { clientId: 'sc_b', accountId: 'acc-b' },
      ],
    },
  });
});
afterAll(() => server.close());
beforeEach(() => server.reset());

function accessKeyOf(clientId: string): string {
  return server.identities.serviceClients.find((c) => c.clientId === clientId)!.accessKey!;
}

async function bearer(clientId: string): Promise<Record<string, string>> {
  const auth = authressAccessKeyAuth(accessKeyOf(clientId), {
    authressApiUrl: server.authressUrl,
  });
  return auth.headers({ url: `${server.authressUrl}/v1/groups`, method: 'GET' });
}

async function userBearer(userId: string, accountId?: string): Promise<Record<string, string>> {
  const res = await fetch(`${server.authressUrl}/api/authentication`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(accountId === undefined ? { userId } : { userId, accountId }),
  });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { accessToken: string; accountId: string };
  expect(body.accountId).toBe(accountId ?? 'acc-a');
  return { Authorization: `Bearer ${body.accessToken}` };
}

async function call(
  method: string,
  path: string,
  headers: Record<string, string>,
  json?: unknown,
): Promise<{ status: number; body: Record<string, unknown> | undefined }> {
  const res = await fetch(`${server.authressUrl}${path}`, {
    method,
    headers: { ...headers, ...(json === undefined ? {} : { 'Content-Type': 'application/json' }) },
    ...(json === undefined ? {} : { body: JSON.stringify(json) }),
  });
  const text = await res.text();
  return {
    status: res.status,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined,
  };
}

const groupIds = (body: Record<string, unknown> | undefined) =>
  (body!['groups'] as { groupId: string }[]).map((g) => g.groupId);

describe('Authress accounts', () => {
  it("keeps one account's groups out of another's reach (list, get, update, delete)", async () => {
    const a = await bearer('sc_a');
    const b = await bearer('sc_b');
    const created = await call('POST', '/v1/groups', a, {
      groupId: 'grp_a1',
      name: 'A only',
      users: [],
      admins: [],
    });
    expect(created.status).toBe(201);

    expect(groupIds((await call('GET', '/v1/groups', a)).body)).toEqual(['grp_a1']);
    expect(groupIds((await call('GET', '/v1/groups', b)).body)).toEqual([]);

    // Another account's group answers exactly as a missing one.
    const missing = await call('GET', '/v1/groups/grp_nothere', b);
    for (const [method, json] of [
      ['GET', undefined],
      ['PUT', { name: 'hijacked', users: [], admins: [] }],
      ['DELETE', undefined],
    ] as const) {
      const res = await call(method, '/v1/groups/grp_a1', b, json);
      expect(res.status, method).toBe(404);
      expect(res.body!['errorCode']).toBe(missing.body!['errorCode']);
      expect(res.body!['title']).toBe(
        String(missing.body!['title']).replace('grp_nothere', 'grp_a1'),
      );
    }

    const still = await call('GET', '/v1/groups/grp_a1', a);
    expect(still.status).toBe(200);
    expect(still.body!['name']).toBe('A only');
  });

  it('lets the same groupId exist in two accounts, each changed independently', async () => {
    const a = await bearer('sc_a');
    const b = await bearer('sc_b');
    const group = { groupId: 'grp_same', users: [], admins: [] };
    expect((await call('POST', '/v1/groups', a, { ...group, name: 'A' })).status).toBe(201);
    expect((await call('POST', '/v1/groups', b, { ...group, name: 'B' })).status).toBe(201);
    expect((await call('POST', '/v1/groups', b, { ...group, name: 'B2' })).status).toBe(409);

    expect((await call('DELETE', '/v1/groups/grp_same', b)).status).toBe(204);
    expect((await call('GET', '/v1/groups/grp_same', b)).status).toBe(404);
    const kept = await call('GET', '/v1/groups/grp_same', a);
    expect(kept.status).toBe(200);
    expect(kept.body!['name']).toBe('A');
  });

  it('puts user tokens in the default account unless the mint request names another', async () => {
    const a = await bearer('sc_a');
    const b = await bearer('sc_b');
    const member = { users: [{ userId: 'user|carol' }], admins: [{ userId: 'user|carol' }] };
    await call('POST', '/v1/groups', a, { groupId: 'grp_x', name: 'in A', ...member });
    await call('POST', '/v1/groups', b, { groupId: 'grp_y', name: 'in B', ...member });

    const carolA = await userBearer('user|carol'); // default: the first service client's account
    const carolB = await userBearer('user|carol', 'acc-b');
    expect(groupIds((await call('GET', '/v1/groups', carolA)).body)).toEqual(['grp_x']);
    expect(groupIds((await call('GET', '/v1/groups', carolB)).body)).toEqual(['grp_y']);
    expect((await call('GET', '/v1/groups/grp_y', carolA)).status).toBe(404);
    expect((await call('DELETE', '/v1/groups/grp_x', carolB)).status).toBe(404);
    expect((await call('GET', '/v1/groups/grp_x', a)).status).toBe(200);

    const unknown = await fetch(`${server.authressUrl}/api/authentication`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ userId: 'user|carol', accountId: 'acc-nobody' }),
    });
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { title: string }).title).toMatch(/accountId/);
  });
});

describe('groups stored before accounts', () => {
  it('are read as the default account and move to it on update', async () => {
    const legacy = {
      groupId: 'grp_old',
      name: 'Old',
      users: [],
      admins: [],
      lastUpdated: '2026-01-01T00:00:00.000Z',
      seq: 1,
    };
    const old = await startMockServer({
      port: 0,
      seed: {
        serviceClients: [
          { clientId: 'sc_a', accountId: 'acc-a' },
          { clientId: 'sc_b', accountId: 'acc-b' },
        ],
        collections: {
          authress_groups: { grp_old: legacy },
          authress_groups_meta: { sequence: 2 },
        },
      },
    });
    try {
      const headersOf = (clientId: string) =>
        authressAccessKeyAuth(
          old.identities.serviceClients.find((c) => c.clientId === clientId)!.accessKey!,
          { authressApiUrl: old.authressUrl },
        ).headers({ url: `${old.authressUrl}/v1/groups`, method: 'GET' });
      const a = await headersOf('sc_a');
      const b = await headersOf('sc_b');
      const get = (h: Record<string, string>) =>
        fetch(`${old.authressUrl}/v1/groups/grp_old`, { headers: h });
      expect((await get(a)).status).toBe(200);
      expect((await get(b)).status).toBe(404);
      const put = await fetch(`${old.authressUrl}/v1/groups/grp_old`, {
        method: 'PUT',
        headers: { ...a, 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: 'Renewed', users: [], admins: [] }),
      });
      expect(put.status).toBe(200);
      const state = (await (await fetch(`${old.url}/__admin/state`)).json()) as Record<
        string,
        Record<string, unknown>
      >;
      const groups = state['authress_groups']!;
      expect(Object.keys(groups)).toEqual([JSON.stringify(['acc-a', 'grp_old'])]);
      expect((await get(a)).status).toBe(200);
      expect((await get(b)).status).toBe(404);
    } finally {
      await old.close();
    }
  });
});
