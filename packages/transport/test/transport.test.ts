import * as v from 'valibot';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  AbortError,
  bearerAuth,
  ConfigError,
  type ErrorEvent,
  NotFoundError,
  type RequestEvent,
  RequestValidationError,
  type ResponseEvent,
  ResponseValidationError,
  TimeoutError,
  Transport,
  VERSION,
} from '../src/index.js';
import { sendJson, sendText, startServer, type TestServer } from './helpers/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());
afterEach(() => {
  server.requests.length = 0;
  server.setHandler((_req, res) => sendJson(res, 200, {}));
});

describe('requests', () => {
  it('encodes each path parameter as one segment and leaves out null query values', async () => {
    server.setHandler((req, res) => sendJson(res, 200, { url: req.url }));
    const transport = new Transport({ baseUrl: server.url });
    const data = await transport.request<{ url: string }>({
      method: 'GET',
      path: '/v2/groups/{namespace}/{name}',
      params: { namespace: 'a/b', name: 'x y?#%' },
      query: { page: 2, per_page: 10, flag: true, search: 'a&b=c', skip: null, gone: undefined },
    });
    expect(data.url).toBe(
      '/v2/groups/a%2Fb/x%20y%3F%23%25?page=2&per_page=10&flag=true&search=a%26b%3Dc',
    );
  });

  it('keeps a path prefix in the base URL and ignores trailing slashes', async () => {
    server.setHandler((req, res) => sendJson(res, 200, { url: req.url }));
    const transport = new Transport({ baseUrl: `${server.url}/authress//` });
    expect(await transport.request({ method: 'GET', path: '/v1/groups' })).toEqual({
      url: '/authress/v1/groups',
    });
  });

  it.each([
    [{ since: new Date(0) }, 'query.since', /not a Date \(send date.toISOString\(\)\)/],
    [{ filter: { a: 1 } }, 'query.filter', /not object/],
  ])(
    'rejects query values with no one text form %j before sending',
    async (query, path, message) => {
      const before = server.requests.length;
      const error = await new Transport({ baseUrl: server.url })
        .request({ method: 'GET', path: '/q', query: query as unknown as Record<string, string> })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RequestValidationError);
      expect((error as RequestValidationError).path).toBe(path);
      expect((error as Error).message).toMatch(message);
      expect(server.requests.length).toBe(before);
    },
  );

  it.each([
    [{ namespace: '', name: 'x' }, 'namespace', 'must not be empty'],
    [{ namespace: '..', name: 'x' }, 'namespace', 'must not be ".."'],
    [{ namespace: 'a', name: '.' }, 'name', 'must not be "."'],
    [{ namespace: 'a' }, 'name', 'is required'],
    [{ namespace: 'a', name: 'b', extra: 'c' }, 'extra', 'not a parameter'],
  ])('rejects bad path parameters %j before sending', async (params, path, message) => {
    const transport = new Transport({ baseUrl: server.url });
    const error = await transport
      .request({
        method: 'GET',
        path: '/v2/groups/{namespace}/{name}',
        params: params as Record<string, string>,
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestValidationError);
    expect((error as RequestValidationError).path).toBe(path);
    expect((error as RequestValidationError).message).toContain(message);
    expect(server.requests).toHaveLength(0);
  });

  it('sends JSON bodies and the validated output of bodySchema', async () => {
    server.setHandler((req, res) =>
      sendJson(res, 201, { body: JSON.parse(req.body), type: req.headers['content-type'] }),
    );
    const transport = new Transport({ baseUrl: server.url });
    const schema = v.strictObject({
      name: v.pipe(v.string(), v.trim()),
      size: v.optional(v.number(), 3),
    });
    const data = await transport.request({
      method: 'POST',
      path: '/v2/groups/ns',
      body: { name: '  spaced  ' },
      bodySchema: schema,
    });
    expect(data).toEqual({ body: { name: 'spaced', size: 3 }, type: 'application/json' });
  });

  it('validates the body before anything is sent and names the bad field', async () => {
    const transport = new Transport({ baseUrl: server.url });
    const schema = v.strictObject({
      users: v.array(v.strictObject({ userId: v.pipe(v.string(), v.maxLength(5)) })),
    });
    const error = await transport
      .request({
        method: 'POST',
        path: '/v1/groups',
        body: { users: [{ userId: 'ok' }, { userId: 'far-too-long' }] },
        bodySchema: schema,
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestValidationError);
    expect((error as RequestValidationError).path).toBe('users[1].userId');
    expect((error as RequestValidationError).message).toMatch(
      /^Invalid request: users\[1\]\.userId: /,
    );
    expect(server.requests).toHaveLength(0);
  });

  it('reads application/links+json as JSON and text/plain as text', async () => {
    const transport = new Transport({ baseUrl: server.url });
    server.setHandler((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/links+json; charset=utf-8' });
      res.end('{"groups":[],"links":{"self":null}}');
    });
    expect(await transport.request({ method: 'GET', path: '/v1/groups' })).toEqual({
      groups: [],
      links: { self: null },
    });
    server.setHandler((_req, res) => sendText(res, 200, 'plain words'));
    expect(await transport.request({ method: 'GET', path: '/text' })).toBe('plain words');
  });

  it.each([200, 201, 204])('reads an empty %i body as no value', async (status) => {
    server.setHandler((_req, res) => {
      res.writeHead(status, status === 204 ? {} : { 'content-type': 'application/json' });
      res.end();
    });
    const transport = new Transport({ baseUrl: server.url });
    expect(await transport.request({ method: 'DELETE', path: '/v2/groups/a/b' })).toBeUndefined();
  });

  it('answers OPTIONS probes without a body', async () => {
    server.setHandler((req, res) => {
      res.writeHead(req.method === 'OPTIONS' ? 204 : 500);
      res.end();
    });
    const transport = new Transport({ baseUrl: server.url });
    const { data, response } = await transport.requestWithResponse({
      method: 'OPTIONS',
      path: '/v2/groups/a/b',
    });
    expect(data).toBeUndefined();
    expect(response.status).toBe(204);
  });

  it('validates responses with responseSchema', async () => {
    const transport = new Transport({ baseUrl: server.url });
    const schema = v.looseObject({ name: v.string() });
    server.setHandler((_req, res) => sendJson(res, 200, { name: 'g', extra: 1 }));
    expect(await transport.request({ method: 'GET', path: '/g', responseSchema: schema })).toEqual({
      name: 'g',
      extra: 1,
    });
    server.setHandler((_req, res) => sendJson(res, 200, { name: 42 }));
    const error = await transport
      .request({ method: 'GET', path: '/g', responseSchema: schema })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect((error as ResponseValidationError).value).toEqual({ name: 42 });
    expect((error as ResponseValidationError).issues[0]?.path).toBe('name');
  });

  it('reports a 2xx body that is not JSON although it says so', async () => {
    server.setHandler((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"truncated":');
    });
    const transport = new Transport({ baseUrl: server.url });
    const error = await transport.request({ method: 'GET', path: '/g' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect((error as ResponseValidationError).value).toBe('{"truncated":');
    expect((error as ResponseValidationError).message).toContain('not valid JSON');
  });

  it('returns the raw response and the request id from the headers', async () => {
    server.setHandler((_req, res) =>
      sendJson(res, 200, { ok: true }, { 'x-request-id': 'req-123' }),
    );
    const transport = new Transport({ baseUrl: server.url });
    const result = await transport.requestWithResponse({ method: 'GET', path: '/g' });
    expect(result.data).toEqual({ ok: true });
    expect(result.requestId).toBe('req-123');
    expect(result.response.headers.get('content-type')).toBe('application/json');
  });

  it('sends User-Agent, Accept, client and per-call headers in that precedence', async () => {
    const transport = new Transport({
      baseUrl: server.url,
      userAgent: 'my-app/1.2',
      headers: { 'X-Team': 'a', 'X-Both': 'client' },
    });
    await transport.request({
      method: 'GET',
      path: '/g',
      headers: {
        'x-both': 'call',
        'X-TILEDB-CLOUD-ACCESS-CREDENTIALS-NAME': 'cred',
        'x-skip': undefined,
      },
      idempotencyKey: 'idem-1',
    });
    const headers = server.requests[0]?.headers ?? {};
    expect(headers['user-agent']).toBe(
      `my-app/1.2 iamkit-transport/${VERSION} node/${process.versions.node}`,
    );
    expect(headers['accept']).toContain('application/json');
    expect(headers['x-team']).toBe('a');
    expect(headers['x-both']).toBe('call');
    expect(headers['x-tiledb-cloud-access-credentials-name']).toBe('cred');
    expect(headers['idempotency-key']).toBe('idem-1');
    expect(headers).not.toHaveProperty('x-skip');
  });

  it('sends through a custom fetch (here a wrapper that tags the request, then calls fetch)', async () => {
    server.setHandler((req, res) => sendJson(res, 200, { tag: req.headers['x-via'] ?? null }));
    const seen: string[] = [];
    const tagging: typeof fetch = (input, init) => {
      const request = new Request(input, init);
      seen.push(`${request.method} ${new URL(request.url).pathname}`);
      request.headers.set('x-via', 'custom-fetch');
      return fetch(request, init?.signal ? { signal: init.signal } : undefined);
    };
    const transport = new Transport({ baseUrl: server.url, fetch: tagging });
    expect(await transport.request({ method: 'GET', path: '/g' })).toEqual({ tag: 'custom-fetch' });
    expect(seen).toEqual(['GET /g']);
  });

  it('calls a custom fetch as a plain function, as a browser fetch passed as window.fetch needs', async () => {
    server.setHandler((_req, res) => sendJson(res, 200, { ok: true }));
    // What browsers do when their fetch is called with another `this`.
    const browserLikeFetch = function (
      this: unknown,
      input: RequestInfo | URL,
      init?: RequestInit,
    ) {
      if (this !== undefined && this !== globalThis) throw new TypeError('Illegal invocation');
      return fetch(input, init);
    };
    const transport = new Transport({ baseUrl: server.url, fetch: browserLikeFetch, retry: false });
    expect(await transport.request({ method: 'GET', path: '/g' })).toEqual({ ok: true });
  });

  it('sends no User-Agent of its own where a browser would forbid it', async () => {
    vi.stubGlobal('window', {});
    vi.stubGlobal('document', {});
    try {
      await new Transport({ baseUrl: server.url, userAgent: 'my-app/1.2' }).request({
        method: 'GET',
        path: '/g',
      });
    } finally {
      vi.unstubAllGlobals();
    }
    expect(server.requests[0]?.headers['user-agent'] ?? '').not.toContain('iamkit-transport');
    expect(server.requests[0]?.headers['user-agent'] ?? '').not.toContain('my-app');
  });

  it('shares one transport between clients through Transport.from', () => {
    const shared = new Transport({ baseUrl: server.url });
    expect(Transport.from({ transport: shared }, 'https://unused.example')).toBe(shared);
    expect(Transport.from(undefined, 'https://api.tiledb.com').baseUrl).toBe(
      'https://api.tiledb.com',
    );
    expect(Transport.from({ baseUrl: 'http://h:1/x/' }, 'https://api.tiledb.com').baseUrl).toBe(
      'http://h:1/x',
    );
    // A bare host means https, as for the TileDB host and the Authress API URL.
    expect(new Transport({ baseUrl: ' API.example.com/base// ' }).baseUrl).toBe(
      'https://api.example.com/base',
    );
    expect(new Transport({ baseUrl: 'localhost:8080' }).baseUrl).toBe('https://localhost:8080');
    // Only host[:port][/path] is a bare host: a relative or mistyped URL is refused or read as
    // written, never turned into another host that would receive the credentials.
    expect(() => new Transport({ baseUrl: '/api' })).toThrow(/baseUrl is not a valid URL: \/api$/);
    expect(new Transport({ baseUrl: 'https:/api.example.com' }).baseUrl).toBe(
      'https://api.example.com',
    );
    expect(() => new Transport({ baseUrl: 'svc:canary-pw@api.example.com' })).toThrow(
      /^Transport: baseUrl must not contain credentials \(user:password@\); give them separately$/,
    );
  });

  it('rejects a bad base URL, timeout or retry option with ConfigError', () => {
    expect(() => new Transport({ baseUrl: 'not a url' })).toThrow(
      /^Transport: baseUrl is not a valid URL: not a url$/,
    );
    expect(() => new Transport({ baseUrl: 'ftp://h' })).toThrow(/http or https/);
    expect(() => new Transport({ baseUrl: 'https://h/?x=1' })).toThrow(/query string/);
    expect(() => new Transport({ baseUrl: 'https://u:canary-pw@h' })).toThrow(
      /^Transport: baseUrl must not contain credentials \(user:password@\); give them separately$/,
    );
    expect(() => new Transport({ baseUrl: 'https://h', timeout: -1 })).toThrow(
      /timeout must be a positive/,
    );
    expect(() => new Transport({ baseUrl: 'https://h', retry: { limit: 1.5 } })).toThrow(
      /whole number/,
    );
  });
});

describe('hooks and debug tracing', () => {
  it('calls hooks with redacted URLs and headers', async () => {
    const events: Array<RequestEvent | ResponseEvent> = [];
    server.setHandler((_req, res) => sendJson(res, 200, {}, { 'set-cookie': 'session=abc' }));
    const transport = new Transport({
      baseUrl: server.url,
      headers: { 'x-tiledb-rest-api-key': 'hook-canary-key' },
      hooks: {
        beforeRequest: (event) => {
          events.push(event);
        },
        afterResponse: (event) => {
          events.push(event);
        },
      },
    });
    await transport.request({ method: 'GET', path: '/g', query: { api_key: 'query-canary' } });
    expect(events).toHaveLength(2);
    const text = JSON.stringify(events);
    expect(text).not.toContain('hook-canary-key');
    expect(text).not.toContain('query-canary');
    expect(text).not.toContain('session=abc');
    expect((events[0] as RequestEvent).headers['x-tiledb-rest-api-key']).toBe('[REDACTED]');
    expect((events[1] as ResponseEvent).status).toBe(200);
  });

  it('gives beforeRequest the body being sent, secret fields redacted, undefined without one', async () => {
    const events: RequestEvent[] = [];
    server.setHandler((_req, res) => sendJson(res, 200, {}));
    const transport = new Transport({
      baseUrl: server.url,
      headers: { 'x-tiledb-rest-api-key': 'header-canary-key' },
      hooks: {
        beforeRequest: (event) => {
          events.push(event);
        },
      },
    });
    await transport.request({
      method: 'POST',
      path: '/credentials',
      body: {
        name: 'aws',
        when: new Date(0),
        credential: { access_key_id: 'AKIA1', secret_access_key: 'body-canary-secret' },
        note: 'echoes header-canary-key',
      },
    });
    await transport.request({ method: 'GET', path: '/nothing' });
    expect(events.map((event) => event.body)).toEqual([
      {
        name: 'aws',
        when: '1970-01-01T00:00:00.000Z',
        credential: { access_key_id: 'AKIA1', secret_access_key: '[REDACTED]' },
        note: 'echoes [REDACTED]',
      },
      undefined,
    ]);
    const text = JSON.stringify(events);
    expect(text).not.toContain('body-canary-secret');
    expect(text).not.toContain('header-canary-key');
    // The server still got the real body.
    expect(server.requests[0]?.body).toContain('body-canary-secret');
  });

  it('gives afterResponse the body as the server sent it: JSON parsed, text as text, empty as undefined', async () => {
    const bodies: unknown[] = [];
    const transport = new Transport({
      baseUrl: server.url,
      retry: false,
      hooks: {
        afterResponse: (event) => {
          bodies.push(event.body);
        },
      },
    });
    server.setHandler((_req, res) => sendJson(res, 200, { entries: [{ key: 'k', value: 'v' }] }));
    await transport.request({ method: 'GET', path: '/json' });
    server.setHandler((_req, res) => {
      res.writeHead(503, { 'content-type': 'text/plain' });
      res.end('overloaded');
    });
    await transport.request({ method: 'GET', path: '/text' }).catch(() => undefined);
    server.setHandler((_req, res) => {
      res.writeHead(204);
      res.end();
    });
    await transport.request({ method: 'DELETE', path: '/empty' });
    expect(bodies).toEqual([{ entries: [{ key: 'k', value: 'v' }] }, 'overloaded', undefined]);
  });

  it('traces to stderr when IAMKIT_LOG=debug, with secrets redacted', async () => {
    vi.stubEnv('IAMKIT_LOG', 'debug');
    const lines: string[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((line: unknown) => {
      lines.push(String(line));
    });
    try {
      server.setHandler((_req, res) =>
        sendJson(res, 404, { message: 'nope' }, { 'x-request-id': 'r-7' }),
      );
      const transport = new Transport({
        baseUrl: server.url,
        headers: { authorization: 'Bearer debug-canary-token' },
      });
      await transport.request({ method: 'GET', path: '/g' }).catch(() => undefined);
    } finally {
      spy.mockRestore();
      vi.unstubAllEnvs();
    }
    const log = lines.join('\n');
    expect(log).toContain('→ GET');
    expect(log).toContain('← 404 GET');
    expect(log).toContain('request-id r-7');
    expect(log).toContain('NotFoundError');
    expect(log).not.toContain('debug-canary-token');
  });

  it('a hook that throws changes nothing: the call succeeds, retries and fails as without it', async () => {
    vi.stubEnv('IAMKIT_LOG', 'debug');
    const lines: string[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((line: unknown) => {
      lines.push(String(line));
    });
    let calls = 0;
    server.setHandler((req, res) => {
      calls++;
      if (req.url === '/missing') return sendJson(res, 404, { message: 'no such thing' });
      // The first attempt at /flaky gets a 503; the retry succeeds.
      if (calls === 1) return sendJson(res, 503, { message: 'busy' });
      sendJson(res, 201, { created: true });
    });
    const broken = () => {
      throw new Error('metrics backend down');
    };
    // A class instance's methods keep their `this` (and the ones that work still run).
    class Counting {
      requests = 0;
      beforeRequest() {
        this.requests++;
      }
    }
    const counting = new Counting();
    const transport = new Transport({
      baseUrl: server.url,
      retry: { limit: 2, baseDelay: 1, maxDelay: 1 },
      hooks: {
        beforeRequest: broken,
        afterResponse: async () => Promise.reject(new Error('log sink closed')),
        beforeRetry: broken,
        onError: broken,
      },
    });
    try {
      expect(
        await transport.request({ method: 'PUT', path: '/flaky', body: { name: 'g' } }),
      ).toEqual({ created: true });
      expect(calls).toBe(2);
      await expect(transport.request({ method: 'GET', path: '/missing' })).rejects.toBeInstanceOf(
        NotFoundError,
      );
      const counted = new Transport({ baseUrl: server.url, hooks: counting });
      await counted.request({ method: 'GET', path: '/missing' }).catch(() => undefined);
      expect(counting.requests).toBe(1);
    } finally {
      spy.mockRestore();
      vi.unstubAllEnvs();
    }
    const log = lines.join('\n');
    for (const hook of ['beforeRequest', 'afterResponse', 'beforeRetry', 'onError']) {
      expect(log).toContain(`hook ${hook} threw (ignored)`);
    }
    expect(log).toContain('log sink closed');
  });

  it('stays quiet without IAMKIT_LOG', async () => {
    const spy = vi.spyOn(console, 'error');
    try {
      await new Transport({ baseUrl: server.url }).request({ method: 'GET', path: '/g' });
      expect(spy).not.toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
  });
});

describe('cancellation and deadlines before the request is sent', () => {
  it('sends nothing when the caller aborts right after calling', async () => {
    const controller = new AbortController();
    const pending = new Transport({ baseUrl: server.url }).request({
      method: 'POST',
      path: '/records',
      body: { name: 'r' },
      signal: controller.signal,
    });
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(AbortError);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(server.requests).toHaveLength(0);
  });

  it('an abort while a token provider is still working stops the call at once', async () => {
    const controller = new AbortController();
    const slowToken = () => new Promise<string>((resolve) => setTimeout(() => resolve('t'), 400));
    setTimeout(() => controller.abort(), 30);
    const started = performance.now();
    const error = await new Transport({ baseUrl: server.url, auth: bearerAuth(slowToken) })
      .request({ method: 'POST', path: '/records', body: {}, signal: controller.signal })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect(performance.now() - started).toBeLessThan(300);
    await new Promise((resolve) => setTimeout(resolve, 450));
    expect(server.requests).toHaveLength(0);
  });

  it('the overall deadline bounds a token provider that never answers', async () => {
    const hung = () => new Promise<string>(() => undefined);
    const error = (await new Transport({
      baseUrl: server.url,
      auth: bearerAuth(hung),
      timeout: { attempt: 50, total: 120 },
    })
      .request({ method: 'GET', path: '/g' })
      .catch((e: unknown) => e)) as TimeoutError;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.phase).toBe('total');
    expect(server.requests).toHaveLength(0);
  });
});

describe('failures before anything is sent', () => {
  it('a body JSON cannot hold is a RequestValidationError naming the body', async () => {
    const circular: Record<string, unknown> = {};
    circular['self'] = circular;
    for (const body of [{ n: 1n }, circular]) {
      const error = (await new Transport({ baseUrl: server.url })
        .request({ method: 'POST', path: '/g', body })
        .catch((e: unknown) => e)) as RequestValidationError;
      expect(error).toBeInstanceOf(RequestValidationError);
      expect(error.path).toBe('body');
      expect(error.message).toMatch(/cannot be sent as JSON/);
    }
    expect(server.requests).toHaveLength(0);
  });

  it('reports input errors and failed token providers to onError and the debug log', async () => {
    const events: ErrorEvent[] = [];
    const lines: string[] = [];
    vi.stubEnv('IAMKIT_LOG', 'debug');
    const spy = vi.spyOn(console, 'error').mockImplementation((line: unknown) => {
      lines.push(String(line));
    });
    try {
      const hooks = {
        onError: (event: ErrorEvent) => {
          events.push(event);
        },
      };
      const failing = bearerAuth(() => Promise.reject(new Error('token service down')));
      const provider = await new Transport({ baseUrl: server.url, auth: failing, hooks })
        .request({ method: 'GET', path: '/g' })
        .catch((e: unknown) => e);
      const input = await new Transport({ baseUrl: server.url, hooks })
        .request({ method: 'GET', path: '/g/{id}', params: { id: '' } })
        .catch((e: unknown) => e);
      expect(provider).toBeInstanceOf(ConfigError);
      expect((provider as Error).message).toBe('The provider function for the bearer token failed');
      expect(input).toBeInstanceOf(RequestValidationError);
      expect(events.map((event) => [event.error, event.attempts])).toEqual([
        [provider, 0],
        [input, 0],
      ]);
      expect(events[1]?.url).toBe(`${server.url}/g/{id}`);
      expect(lines.filter((line) => line.includes('failed: '))).toHaveLength(2);
    } finally {
      spy.mockRestore();
      vi.unstubAllEnvs();
    }
    expect(server.requests).toHaveLength(0);
  });
});
