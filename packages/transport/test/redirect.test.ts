/**
 * Redirects: fetch would forward custom credential headers (X-TILEDB-REST-API-KEY) to any
 * host a server names, so the transport follows redirects itself, within one origin only.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { APIError, apiKeyAuth, Transport } from '../dist/index.js';
import { sendJson, startServer, type TestServer } from './helpers/server.js';

const KEY = 'redirect-canary-key-1f2e3d';
let api: TestServer;
let elsewhere: TestServer;

beforeAll(async () => {
  api = await startServer();
  elsewhere = await startServer((req, res) => sendJson(res, 200, { stolen: req.headers }));
});
afterAll(async () => {
  await api.close();
  await elsewhere.close();
});
beforeEach(() => {
  api.requests.length = 0;
  elsewhere.requests.length = 0;
});

const redirect =
  (status: number, location: string) =>
  (_req: unknown, res: import('node:http').ServerResponse) => {
    res.writeHead(status, { location });
    res.end();
  };

function transport() {
  return new Transport({ baseUrl: api.url, auth: apiKeyAuth(KEY), retry: false });
}

describe('redirects', () => {
  it('follows a redirect within the same origin, credentials and all', async () => {
    api.setHandler((req, res) =>
      req.url === '/old' ? redirect(307, '/new')(req, res) : sendJson(res, 200, { at: req.url }),
    );
    expect(await transport().request({ method: 'GET', path: '/old' })).toEqual({ at: '/new' });
    expect(api.requests.map((r) => [r.url, r.headers['x-tiledb-rest-api-key']])).toEqual([
      ['/old', KEY],
      ['/new', KEY],
    ]);
  });

  it('turns a 303 after a POST into a GET without the body', async () => {
    api.setHandler((req, res) =>
      req.url === '/create' ? redirect(303, `${api.url}/done`)(req, res) : sendJson(res, 200, {}),
    );
    await transport().request({
      method: 'POST',
      path: '/create',
      body: { a: 1 },
      idempotent: true,
    });
    expect(api.requests.map((r) => [r.method, r.url, r.body])).toEqual([
      ['POST', '/create', '{"a":1}'],
      ['GET', '/done', ''],
    ]);
  });

  it('does not follow a redirect to another origin, and says where it pointed', async () => {
    api.setHandler(redirect(302, `${elsewhere.url}/collect?x=1`));
    const error = await transport()
      .request({ method: 'GET', path: '/v1/user' })
      .catch((e: unknown) => e);
    expect(elsewhere.requests).toEqual([]);
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).status).toBe(302);
    expect((error as APIError).message).toContain(`redirected to ${elsewhere.url}/collect`);
    expect((error as APIError).message).toContain('not followed');
    expect(JSON.stringify(error)).not.toContain(KEY);
  });

  it('does not carry credentials to another origin after a same-origin hop either', async () => {
    api.setHandler((req, res) =>
      req.url === '/a'
        ? redirect(301, '/b')(req, res)
        : redirect(308, `${elsewhere.url}/x`)(req, res),
    );
    await expect(transport().request({ method: 'GET', path: '/a' })).rejects.toThrow(
      /not followed/,
    );
    expect(elsewhere.requests).toEqual([]);
    expect(api.requests).toHaveLength(2);
  });

  it('stops a redirect loop', async () => {
    api.setHandler(redirect(302, '/loop'));
    await expect(transport().request({ method: 'GET', path: '/loop' })).rejects.toThrow(
      /too many redirects/,
    );
    expect(api.requests).toHaveLength(6);
  });
});
