/**
 * Authress groups on the wire: the ~100 KB group limit is measured on the parsed group with
 * groupSerializedSize (as the client measures it), not on the raw request bytes; and
 * If-Unmodified-Since must be an ISO 8601 date-time.
 */
import { request } from 'node:http';
import { GROUP_MAX_SERIALIZED_BYTES, groupSerializedSize } from '@iamkit/core';
import { authressAccessKeyAuth } from '@iamkit/transport';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type MockServer, startMockServer } from '../src/index.js';

let server: MockServer;
let token: () => Promise<string>;

beforeAll(async () => {
  server = await startMockServer({ port: 0 });
  const auth = authressAccessKeyAuth(server.identities.serviceClients[0]!.accessKey!, {
    authressApiUrl: server.authressUrl,
  });
  token = () => auth.getToken();
});
afterAll(() => server.close());
beforeEach(() => server.reset());

async function send(method: string, path: string, body?: string, headers = {}) {
  const res = await fetch(`${server.authressUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${await token()}`,
      'content-type': 'application/json',
      ...headers,
    },
    ...(body === undefined ? {} : { body }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** A group whose compact JSON is just under the limit. */
function groupJustUnderTheLimit(groupId: string) {
  const tags: Record<string, string> = {};
  const group = { groupId, name: 'Big', users: [], admins: [], tags };
  for (let i = 0; groupSerializedSize(group) < GROUP_MAX_SERIALIZED_BYTES - 200; i++) {
    tags[`key${i}`] = 'v'.repeat(100);
  }
  expect(groupSerializedSize(group)).toBeLessThanOrEqual(GROUP_MAX_SERIALIZED_BYTES);
  return group;
}

/** JSON as Python's json.dumps writes it by default: ", " and ": " separators. */
function pythonStyle(value: unknown): string {
  return JSON.stringify(value, null, 1)
    .replace(/\n */g, ' ')
    .replace(/\[ /g, '[')
    .replace(/ \]/g, ']')
    .replace(/\{ /g, '{')
    .replace(/ \}/g, '}');
}

describe('the group size limit (413)', () => {
  it('counts the group, not whitespace or read-only fields in the body', async () => {
    const group = groupJustUnderTheLimit('grp_spaced');
    const spaced = pythonStyle(group);
    expect(JSON.parse(spaced)).toEqual(group);
    expect(Buffer.byteLength(spaced)).toBeGreaterThan(GROUP_MAX_SERIALIZED_BYTES);
    const created = await send('POST', '/v1/groups', spaced);
    expect(created.status, JSON.stringify(created.body)).toBe(201);

    // A group read back and sent as it is, pretty-printed, with its lastUpdated and links.
    const readBack = await send('GET', '/v1/groups/grp_spaced');
    const withReadOnly = JSON.stringify(
      { ...readBack.body, links: { self: { href: `https://x/${'p'.repeat(4000)}` } } },
      null,
      2,
    );
    expect(Buffer.byteLength(withReadOnly)).toBeGreaterThan(GROUP_MAX_SERIALIZED_BYTES);
    const updated = await send('PUT', '/v1/groups/grp_spaced', withReadOnly);
    expect(updated.status, JSON.stringify(updated.body)).toBe(200);
  });

  it('refuses a group over the limit with 413 and the Authress error body, however it is sent', async () => {
    const group = groupJustUnderTheLimit('grp_big');
    group.tags['one-more'] = 'v'.repeat(120);
    group.tags['and-another'] = 'v'.repeat(120);
    const size = groupSerializedSize(group);
    expect(size).toBeGreaterThan(GROUP_MAX_SERIALIZED_BYTES);
    for (const body of [JSON.stringify(group), pythonStyle(group)]) {
      const created = await send('POST', '/v1/groups', body);
      expect(created.status).toBe(413);
      expect(created.body).toEqual({
        title: `The group is ${size} bytes as compact JSON without lastUpdated and links; the limit is ${GROUP_MAX_SERIALIZED_BYTES} bytes (~100 KB)`,
        errorCode: 'PayloadTooLarge',
        errorId: expect.any(String),
      });
    }
    expect((await send('GET', '/v1/groups/grp_big')).status).toBe(404);

    expect(
      (await send('POST', '/v1/groups', '{"name":"small","users":[],"admins":[]}')).status,
    ).toBe(201);
    const { body: list } = await send('GET', '/v1/groups');
    const id = (list['groups'] as Array<{ groupId: string }>)[0]!.groupId;
    const { groupId: _drop, ...content } = group;
    const update = await send('PUT', `/v1/groups/${id}`, JSON.stringify(content));
    expect(update.status).toBe(413);
    expect(update.body['errorCode']).toBe('PayloadTooLarge');
  });

  it('still refuses a huge raw body before parsing it (abuse guard, 4x the group limit)', async () => {
    const huge = JSON.stringify({ name: 'x', users: [], admins: [], pad: ' '.repeat(500 * 1024) });
    // On its own connection: the server answers before reading the whole body and closes
    // it, which must not break a pooled connection for the next test.
    const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const url = new URL(`${server.authressUrl}/v1/groups`);
      token().then((jwt) => {
        const req = request(
          url,
          {
            method: 'POST',
            agent: false,
            headers: { authorization: `Bearer ${jwt}`, 'content-type': 'application/json' },
          },
          (response) => {
            let text = '';
            response.setEncoding('utf8');
            response.on('data', (chunk: string) => {
              text += chunk;
            });
            response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
          },
        );
        req.on('error', reject);
        req.end(huge);
      }, reject);
    });
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body)).toMatchObject({
      errorCode: 'PayloadTooLarge',
      title: expect.any(String),
    });
  });
});

describe('If-Unmodified-Since', () => {
  it('must be an ISO 8601 date-time: an HTTP-date, a bare number or a date alone is 400', async () => {
    const created = await send('POST', '/v1/groups', '{"name":"g","users":[],"admins":[]}');
    const id = created.body['groupId'] as string;
    const body = JSON.stringify({ name: 'changed', users: [], admins: [] });
    for (const value of ['Sun, 22 Nov 2999 04:58:45 GMT', '1', '2999-01-01', '12/01/2999']) {
      const res = await send('PUT', `/v1/groups/${id}`, body, { 'if-unmodified-since': value });
      expect(res.status, value).toBe(400);
      expect(res.body['title']).toMatch(
        /^Invalid If-Unmodified-Since header: expected an ISO 8601 date-time .*such as 2023-08-23T14:01:12Z/,
      );
    }
    expect((await send('GET', `/v1/groups/${id}`)).body['name']).toBe('g');
    const iso = await send('PUT', `/v1/groups/${id}`, body, {
      'if-unmodified-since': '2999-01-01T00:00:00+02:00',
    });
    expect(iso.status).toBe(200);
  });
});

describe('free-form tags', () => {
  it('keeps every key, __proto__, constructor and prototype included, through create, update, read and list', async () => {
    const tags = '{"__proto__":"p","constructor":"c","prototype":"x","team":"blue"}';
    const created = await send(
      'POST',
      '/v1/groups',
      `{"groupId":"grp_tags","name":"Tags","users":[],"admins":[],"tags":${tags}}`,
    );
    expect(created.status).toBe(201);
    const expected = JSON.parse(tags);
    expect(JSON.stringify(created.body['tags'])).toBe(JSON.stringify(expected));
    const read = await send('GET', '/v1/groups/grp_tags');
    expect(JSON.stringify(read.body['tags'])).toBe(JSON.stringify(expected));
    const updated = await send(
      'PUT',
      '/v1/groups/grp_tags',
      '{"name":"Tags","users":[],"admins":[],"tags":{"constructor":"c2"}}',
    );
    expect(updated.status).toBe(200);
    expect(JSON.stringify(updated.body['tags'])).toBe('{"constructor":"c2"}');
    const listed = await send('GET', '/v1/groups?filter=c2');
    expect((listed.body['groups'] as unknown[]).length).toBe(1);
    // Nothing leaked onto Object.prototype along the way.
    expect(({} as Record<string, unknown>)['constructor']).toBe(Object);
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
  });
});
