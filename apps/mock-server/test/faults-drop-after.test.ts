/**
 * The `dropAfter` fault: the request is handled (a write applies), then the connection is
 * closed instead of answering, as when a response is lost on the way back.
 */
import { authressAccessKeyAuth } from '@iamkit/transport';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type MockServer, startMockServer } from '../src/index.js';

let server: MockServer;
let bearer: () => Promise<string>;

beforeAll(async () => {
  server = await startMockServer({ port: 0 });
  const auth = authressAccessKeyAuth(server.identities.serviceClients[0]!.accessKey!, {
    authressApiUrl: server.authressUrl,
  });
  bearer = async () => `Bearer ${await auth.getToken()}`;
});
afterAll(() => server.close());
beforeEach(() => server.reset());

async function admin(method: string, path: string, body?: unknown) {
  const res = await fetch(`${server.url}/__admin${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

const createGroup = async (groupId: string) =>
  fetch(`${server.authressUrl}/v1/groups`, {
    method: 'POST',
    headers: { authorization: await bearer(), 'content-type': 'application/json' },
    body: JSON.stringify({ groupId, name: 'Lost response', users: [], admins: [] }),
  });

describe('dropAfter', () => {
  it('applies the write, then closes the connection without a response', async () => {
    const rule = await admin('POST', '/faults', {
      method: 'POST',
      path: '/authress/v1/groups',
      dropAfter: true,
      times: 1,
    });
    expect(rule.status).toBe(201);
    expect(rule.body).toMatchObject({ dropAfter: true, remaining: 1 });

    const lost = await createGroup('grp_lost').then(
      (res) => `answered ${res.status}`,
      (error: Error) => `failed: ${error.message}`,
    );
    expect(lost).toMatch(/^failed/);

    const read = await fetch(`${server.authressUrl}/v1/groups/grp_lost`, {
      headers: { authorization: await bearer() },
    });
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({ groupId: 'grp_lost', name: 'Lost response' });

    // The journal shows what the handler answered, and that it never reached the client.
    const { body } = await admin('GET', '/requests');
    const entry = (body['requests'] as Array<Record<string, unknown>>).find(
      (r) => r['method'] === 'POST' && r['path'] === '/authress/v1/groups',
    );
    expect(entry).toMatchObject({ status: 201, dropped: true, fault: rule.body['id'] });

    // times: 1 — the next request is answered (here: the duplicate is refused).
    expect((await createGroup('grp_lost')).status).toBe(409);
  });

  it('loses a refusal just the same (the handler ran and answered 409)', async () => {
    expect((await createGroup('grp_taken')).status).toBe(201);
    await admin('POST', '/faults', { path: '/authress/v1/groups', dropAfter: true, times: 1 });
    await expect(createGroup('grp_taken')).rejects.toThrow();
    const { body } = await admin('GET', '/requests');
    const entries = (body['requests'] as Array<Record<string, unknown>>).filter(
      (r) => r['method'] === 'POST',
    );
    expect(entries.at(-1)).toMatchObject({ status: 409, dropped: true });
  });

  it('is one kind of fault: not together with status or drop', async () => {
    for (const rule of [
      { path: '/x', dropAfter: true, status: 503 },
      { path: '/x', dropAfter: true, drop: true },
    ]) {
      const res = await admin('POST', '/faults', rule);
      expect(res.status, JSON.stringify(rule)).toBe(400);
      expect(res.body['message']).toMatch(/only one of status, drop and dropAfter/);
    }
    const withLatency = await admin('POST', '/faults', {
      path: '/x',
      dropAfter: true,
      latencyMs: 10,
    });
    expect(withLatency.status).toBe(201);
  });
});
