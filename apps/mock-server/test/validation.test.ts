/**
 * What a 400 (and a seed error) says about a bad field: its path, never a rejected secret,
 * plain words for missing and unknown keys, and that a body must be a JSON object.
 */
import * as v from 'valibot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MockServer, SeedError, startMockServer } from '../src/index.js';
import { fieldIssues } from '../src/plugin.js';
import { probeRoutes } from './fixtures/probe-routes.js';
import { demoKey } from './helpers.js';

let server: MockServer;
beforeAll(async () => {
  server = await startMockServer({ port: 0, routes: [probeRoutes] });
});
afterAll(() => server.close());

/** Canaries: numbers, since valibot echoes a rejected value of the wrong type. */
const CANARY = 31415926535;
const CANARY2 = 27182818284;

async function seedError(seed: unknown): Promise<string> {
  const error = await startMockServer({ port: 0, seed: seed as never }).then(
    async (s) => {
      await s.close();
      return undefined;
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SeedError);
  return (error as SeedError).message;
}

describe('seed validation messages', () => {
  it('does not echo a rejected secret (password, apiKeys)', async () => {
    const password = await seedError({
      users: [{ username: 'bob', email: 'bob@example.com', password: CANARY }],
    });
    expect(password).toBe('users[0].password: Invalid type: Expected string');
    const apiKey = await seedError({
      users: [{ username: 'bob', email: 'bob@example.com', apiKeys: [CANARY2] }],
    });
    expect(apiKey).toBe('users[0].apiKeys[0]: Invalid type: Expected string');
  });

  it('keeps the rejected value for other fields', async () => {
    expect(await seedError({ users: [{ username: 'bob', email: 42 }] })).toBe(
      'users[0].email: Invalid type: Expected string but received 42',
    );
  });

  it('says "is required" and "is not a known field" for missing and unknown keys', async () => {
    expect(await seedError({ users: [{ username: 'bob' }] })).toBe('users[0].email: is required');
    expect(
      await seedError({ users: [{ username: 'bob', email: 'b@example.com', nickname: 'b' }] }),
    ).toBe('users[0].nickname: is not a known field');
  });
});

describe('request validation messages', () => {
  async function put(body: string) {
    const res = await fetch(`${server.url}/v4/probe/items/demo/v`, {
      method: 'PUT',
      headers: { ...demoKey, 'Content-Type': 'application/json' },
      body,
    });
    const text = await res.text();
    return { status: res.status, text, body: JSON.parse(text) as Record<string, unknown> };
  }

  it('does not echo a rejected secret field', async () => {
    const { status, text, body } = await put(
      JSON.stringify({ name: 'v', secret_access_key: CANARY }),
    );
    expect(status).toBe(400);
    expect(text).not.toContain(String(CANARY));
    expect(body['message']).toBe('Invalid "secret_access_key": Invalid type: Expected string');
    expect(body['validation_error']).toEqual({
      fields: [{ field: 'secret_access_key', message: 'Invalid type: Expected string' }],
    });
  });

  it('keeps the rejected value for other fields', async () => {
    const { body } = await put(JSON.stringify({ name: 5 }));
    expect(body['message']).toBe('Invalid "name": Invalid type: Expected string but received 5');
  });

  it('names missing and unknown keys in plain words', async () => {
    const { body } = await put(JSON.stringify({ extra: 1 }));
    expect(body['message']).toBe('Invalid "name": is required (and 1 more issue)');
    expect(body['validation_error']).toEqual({
      fields: [
        { field: 'name', message: 'is required' },
        { field: 'extra', message: 'is not a known field' },
      ],
    });
  });

  it('matches secret field names case-insensitively, at any depth of the path', () => {
    const schema = v.strictObject({
      outer: v.strictObject({ PassWord: v.string(), nested: v.array(v.number()) }),
      Token: v.array(v.string()),
      plain: v.string(),
    });
    const result = v.safeParse(schema, {
      outer: { PassWord: CANARY, nested: ['x'] },
      Token: [CANARY2],
      plain: 7,
    });
    const fields = fieldIssues(result.issues!);
    expect(fields).toEqual([
      { field: 'outer.PassWord', message: 'Invalid type: Expected string' },
      { field: 'outer.nested[0]', message: 'Invalid type: Expected number but received "x"' },
      { field: 'Token[0]', message: 'Invalid type: Expected string' },
      { field: 'plain', message: 'Invalid type: Expected string but received 7' },
    ]);
  });
});

describe('malformed JSON', () => {
  it('does not quote the body back', async () => {
    const res = await fetch(`${server.url}/v4/probe/items/demo/m`, {
      method: 'PUT',
      headers: { ...demoKey, 'Content-Type': 'application/json' },
      body: '{"name": "m", "secret_access_key": hunter2-canary}',
    });
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(text).not.toContain('hunter2');
    expect((JSON.parse(text) as { message: string }).message).toMatch(
      /^Malformed JSON in the request body: /,
    );
  });
});

describe('a body that is not a JSON object', () => {
  it.each([
    ['[]', '[]'],
    ['an array of objects', '[{"name":"v"}]'],
    ['null', 'null'],
    ['a string', '"v"'],
  ])('is refused with 400 on a TileDB route: %s', async (_label, body) => {
    const res = await fetch(`${server.url}/v2/groups/demo`, {
      method: 'POST',
      headers: { ...demoKey, 'Content-Type': 'application/json' },
      body,
    });
    expect(res.status).toBe(400);
    const json = (await res.json()) as { message: string };
    expect(json.message).toBe('The request body must be a JSON object');
  });

  it('is refused with 400 on an Authress route', async () => {
    const access = server.identities.serviceClients[0]!.accessKey!;
    const { authressAccessKeyAuth } = await import('@iamkit/transport');
    const headers = await authressAccessKeyAuth(access, {
      authressApiUrl: server.authressUrl,
    }).headers({ url: `${server.authressUrl}/v1/groups`, method: 'POST' });
    const res = await fetch(`${server.authressUrl}/v1/groups`, {
      method: 'POST',
      headers: { ...headers, 'Content-Type': 'application/json' },
      body: '[]',
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { title: string }).title).toBe(
      'The request body must be a JSON object',
    );
  });

  it('names a nested array where an object belongs', async () => {
    const res = await fetch(`${server.url}/v4/probe/items/demo/n`, {
      method: 'PUT',
      headers: { ...demoKey, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'n', users: [[]] }),
    });
    expect(res.status).toBe(400);
    const json = (await res.json()) as { message: string };
    expect(json.message).toBe('Invalid "users[0]": must be a JSON object');
  });
});
