import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AbortError,
  APIError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  ConnectionError,
  IamkitError,
  InternalServerError,
  NotFoundError,
  PayloadTooLargeError,
  PermissionDeniedError,
  PreconditionFailedError,
  RateLimitError,
  TimeoutError,
  Transport,
  UnprocessableEntityError,
} from '../src/index.js';
import { closedPort, sendJson, sendText, startServer, type TestServer } from './helpers/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

const noRetry = (url: string) => new Transport({ baseUrl: url, retry: false });

describe('HTTP errors', () => {
  it.each([
    [400, BadRequestError, 'bad_request'],
    [401, AuthenticationError, 'authentication'],
    [403, PermissionDeniedError, 'permission_denied'],
    [404, NotFoundError, 'not_found'],
    [409, ConflictError, 'conflict'],
    [412, PreconditionFailedError, 'precondition_failed'],
    [413, PayloadTooLargeError, 'payload_too_large'],
    [422, UnprocessableEntityError, 'unprocessable_entity'],
    [429, RateLimitError, 'rate_limit'],
    [500, InternalServerError, 'internal_server'],
    [502, InternalServerError, 'internal_server'],
    [503, InternalServerError, 'internal_server'],
    [418, APIError, 'api_error'],
  ] as const)('maps %i to %o with code %s', async (status, ErrorClass, code) => {
    server.setHandler((_req, res) =>
      sendJson(res, status, {
        code: 1000 + status,
        message: `status ${status}`,
        request_id: `rid-${status}`,
      }),
    );
    const error = await noRetry(server.url)
      .request({ method: 'PUT', path: '/v2/groups/{ns}', params: { ns: 'demo' }, body: {} })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ErrorClass);
    expect(error).toBeInstanceOf(APIError);
    expect(error).toBeInstanceOf(IamkitError);
    expect(error).toBeInstanceOf(Error);
    const apiError = error as APIError;
    expect(apiError.code).toBe(code);
    expect(apiError.name).toBe(ErrorClass.name);
    expect(apiError.status).toBe(status);
    expect(apiError.method).toBe('PUT');
    expect(apiError.url).toBe(`${server.url}/v2/groups/demo`);
    expect(apiError.headers['content-type']).toBe('application/json');
    expect(apiError.tiledb).toEqual({
      code: 1000 + status,
      message: `status ${status}`,
      request_id: `rid-${status}`,
    });
    expect(apiError.requestId).toBe(`rid-${status}`);
    expect(apiError.message).toContain(`→ ${status}`);
    expect(apiError.message).toContain(`status ${status}`);
    expect(apiError.stack).toContain(`${ErrorClass.name}: PUT`);
  });

  it('carries the TileDB v4 validation error', async () => {
    const body = {
      code: 4220,
      message: 'invalid credential',
      request_id: 'v4-req',
      validation_error: { fields: [{ field: 'name', message: 'required' }] },
    };
    server.setHandler((_req, res) => sendJson(res, 422, body));
    const error = (await noRetry(server.url)
      .request({ method: 'GET', path: '/v4/credentials/ws/t' })
      .catch((e: unknown) => e)) as UnprocessableEntityError;
    expect(error.tiledb?.validation_error?.fields[0]).toEqual({
      field: 'name',
      message: 'required',
    });
    expect(error.body).toEqual(body);
  });

  it('carries the Authress title, errorCode and errorId', async () => {
    server.setHandler((_req, res) => {
      res.writeHead(403, { 'content-type': 'application/links+json' });
      res.end(
        JSON.stringify({
          title: 'Forbidden: missing groups:write',
          errorCode: 'Forbidden',
          errorId: 'err-42',
        }),
      );
    });
    const error = (await noRetry(server.url)
      .request({ method: 'GET', path: '/v1/groups' })
      .catch((e: unknown) => e)) as PermissionDeniedError;
    expect(error).toBeInstanceOf(PermissionDeniedError);
    expect(error.authress).toEqual({
      title: 'Forbidden: missing groups:write',
      errorCode: 'Forbidden',
      errorId: 'err-42',
    });
    expect(error.requestId).toBe('err-42');
    expect(error.message).toContain('Forbidden: missing groups:write');
    expect(error.message).toContain('errorCode Forbidden');
  });

  it('handles non-JSON error bodies: plain text, HTML, empty, and JSON that is broken', async () => {
    server.setHandler((_req, res) => sendText(res, 502, 'upstream connect error'));
    let error = (await noRetry(server.url)
      .request({ method: 'GET', path: '/g' })
      .catch((e: unknown) => e)) as APIError;
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error.body).toBe('upstream connect error');
    expect(error.message).toContain('upstream connect error');

    server.setHandler((_req, res) => {
      res.writeHead(500, { 'content-type': 'text/html' });
      res.end('<html><body>Internal error</body></html>');
    });
    error = (await noRetry(server.url)
      .request({ method: 'GET', path: '/g' })
      .catch((e: unknown) => e)) as APIError;
    expect(error.body).toBe('<html><body>Internal error</body></html>');
    expect(error.message).not.toContain('<html>');

    server.setHandler((_req, res) => {
      res.writeHead(401);
      res.end();
    });
    error = (await noRetry(server.url)
      .request({ method: 'GET', path: '/g' })
      .catch((e: unknown) => e)) as APIError;
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.body).toBeUndefined();
    expect(error.message).toBe(`GET ${server.url}/g → 401 Unauthorized`);

    server.setHandler((_req, res) => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end('{"message": ');
    });
    error = (await noRetry(server.url)
      .request({ method: 'GET', path: '/g' })
      .catch((e: unknown) => e)) as APIError;
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error.body).toBe('{"message": ');
  });

  it('gives RateLimitError the delay the server asked for', async () => {
    server.setHandler((_req, res) =>
      sendJson(res, 429, { message: 'slow down' }, { 'retry-after': '120' }),
    );
    const error = (await new Transport({ baseUrl: server.url })
      .request({ method: 'GET', path: '/g' })
      .catch((e: unknown) => e)) as RateLimitError;
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.retryAfterMs).toBe(120_000);
    // 120 s is past the 60 s cap, so there was no retry.
    expect(error.attempts).toBe(1);
  });

  it('serializes to JSON with code, status and body', async () => {
    server.setHandler((_req, res) => sendJson(res, 404, { message: 'Group does not exist' }));
    const error = await noRetry(server.url)
      .request({ method: 'GET', path: '/g' })
      .catch((e: unknown) => e);
    const json = JSON.parse(JSON.stringify(error));
    expect(json).toMatchObject({
      name: 'NotFoundError',
      code: 'not_found',
      status: 404,
      method: 'GET',
      body: { message: 'Group does not exist' },
      attempts: 1,
    });
  });
});

describe('failures without a response', () => {
  it('throws ConnectionError with the cause when nothing listens', async () => {
    const port = await closedPort();
    const error = (await new Transport({ baseUrl: `http://127.0.0.1:${port}`, retry: false })
      .request({ method: 'GET', path: '/g' })
      .catch((e: unknown) => e)) as ConnectionError;
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.code).toBe('connection');
    expect(error.message).toContain('ECONNREFUSED');
    expect(error.cause).toBeInstanceOf(Error);
    expect(error.url).toBe(`http://127.0.0.1:${port}/g`);
  });

  it('throws ConnectionError when the server drops the connection', async () => {
    server.setHandler((_req, res) => {
      res.socket?.destroy();
    });
    const error = await noRetry(server.url)
      .request({ method: 'GET', path: '/g' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
  });

  it('throws TimeoutError (attempt) when the server is too slow, and ignores its late answer', async () => {
    server.setHandler((_req, res) => {
      setTimeout(() => sendJson(res, 200, {}), 300);
    });
    const answers: number[] = [];
    const started = performance.now();
    const error = (await new Transport({
      baseUrl: server.url,
      retry: false,
      timeout: 60,
      hooks: { afterResponse: (event) => void answers.push(event.status) },
    })
      .request({ method: 'GET', path: '/slow' })
      .catch((e: unknown) => e)) as TimeoutError;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.code).toBe('timeout');
    expect(error.phase).toBe('attempt');
    expect(error.timeoutMs).toBe(60);
    // Sent without a signal, the attempt lost a race: there is no fetch error to keep.
    expect(error.cause).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(250);
    // The answer that comes after the timeout is released, never reported as a response.
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect(answers).toEqual([]);
  });

  it('with a caller signal, a timeout aborts the request itself and keeps what fetch threw', async () => {
    let closedEarly = false;
    server.setHandler((_req, res) => {
      res.on('close', () => {
        closedEarly ||= !res.writableEnded;
      });
      setTimeout(() => {
        if (!res.destroyed) sendJson(res, 200, {});
      }, 300);
    });
    const started = performance.now();
    const error = (await new Transport({ baseUrl: server.url, retry: false, timeout: 60 })
      .request({ method: 'GET', path: '/slow', signal: new AbortController().signal })
      .catch((e: unknown) => e)) as TimeoutError;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.phase).toBe('attempt');
    expect(error.cause).toBeInstanceOf(Error);
    expect(performance.now() - started).toBeLessThan(250);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(closedEarly).toBe(true);
  });

  it('times out a body that stalls after the headers', async () => {
    server.setHandler((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"partial":');
    });
    const error = await new Transport({ baseUrl: server.url, retry: false, timeout: 80 })
      .request({ method: 'GET', path: '/stall' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
  });

  it('throws TimeoutError (total) when the overall deadline passes', async () => {
    server.setHandler((_req, res) => {
      setTimeout(() => sendJson(res, 200, {}), 500);
    });
    const error = (await new Transport({
      baseUrl: server.url,
      timeout: { attempt: 1000, total: 70 },
    })
      .request({ method: 'GET', path: '/slow' })
      .catch((e: unknown) => e)) as TimeoutError;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.phase).toBe('total');
    expect(error.timeoutMs).toBe(70);
  });

  it('throws AbortError with the reason when the caller aborts', async () => {
    server.setHandler((_req, res) => {
      setTimeout(() => sendJson(res, 200, {}), 500);
    });
    const controller = new AbortController();
    const reason = new Error('user pressed ctrl-c');
    setTimeout(() => controller.abort(reason), 30);
    const error = (await new Transport({ baseUrl: server.url })
      .request({ method: 'GET', path: '/slow', signal: controller.signal })
      .catch((e: unknown) => e)) as AbortError;
    expect(error).toBeInstanceOf(AbortError);
    expect(error.code).toBe('aborted');
    expect(error.cause).toBe(reason);
  });

  it('does not send at all with an already-aborted signal', async () => {
    const before = server.requests.length;
    const error = await new Transport({ baseUrl: server.url })
      .request({ method: 'GET', path: '/g', signal: AbortSignal.abort() })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect(server.requests.length).toBe(before);
  });
});

describe('timeouts of many attempts in flight on one transport', () => {
  it('each attempt gets its own timeout: slow ones time out on time, fast ones answer', async () => {
    // Paths say how long the server waits: /wait/<ms>.
    server.setHandler((req, res) => {
      const ms = Number(req.url.split('/').pop());
      setTimeout(() => {
        if (!res.destroyed) sendJson(res, 200, { waited: ms });
      }, ms);
    });
    const transport = new Transport({ baseUrl: server.url, retry: false, timeout: 5_000 });
    const calls = [
      // The long timeouts are still pending when the short ones are due.
      { wait: 400, timeout: 60 },
      { wait: 250, timeout: 2_000 },
      { wait: 400, timeout: 150 },
      { wait: 250, timeout: 5_000 },
      { wait: 400, timeout: 100 },
      { wait: 250, timeout: 1_000 },
    ];
    const started = performance.now();
    const outcomes = await Promise.all(
      calls.map(async ({ wait, timeout }, index) => {
        try {
          const data = await transport.request({
            method: 'GET',
            path: '/wait/{ms}',
            params: { ms: String(wait) },
            timeout,
            // Half of them through the caller-signal path, half without a signal.
            ...(index % 2 === 0 ? { signal: new AbortController().signal } : {}),
          });
          return { data, at: performance.now() - started };
        } catch (error) {
          return { error, at: performance.now() - started };
        }
      }),
    );
    calls.forEach(({ wait, timeout }, index) => {
      const outcome = outcomes[index] as { data?: unknown; error?: unknown; at: number };
      if (wait > timeout) {
        expect(outcome.error, `call ${index}`).toBeInstanceOf(TimeoutError);
        expect((outcome.error as TimeoutError).timeoutMs).toBe(timeout);
        expect(outcome.at, `call ${index}`).toBeGreaterThanOrEqual(timeout - 2);
        expect(outcome.at, `call ${index}`).toBeLessThan(timeout + 150);
      } else {
        expect(outcome.data, `call ${index}`).toEqual({ waited: wait });
      }
    });
  });
});

describe('a server that stops answering', () => {
  it('after a timeout, attempts abort on the wire until the abandoned request settles', async () => {
    // Every request waits 400 ms; each one's connection is watched for an early close.
    const closedEarly = new Map<string, boolean>();
    server.setHandler((req, res) => {
      closedEarly.set(req.url, false);
      res.on('close', () => {
        if (!res.writableEnded) closedEarly.set(req.url, true);
      });
      setTimeout(() => {
        if (!res.destroyed) sendJson(res, 200, {});
      }, 400);
    });
    const transport = new Transport({ baseUrl: server.url, retry: false, timeout: 60 });
    const call = (path: string) =>
      transport.request({ method: 'GET', path }).catch((error: unknown) => error);

    // Sent without a signal: abandoned at its timeout, left to finish on the server.
    expect(await call('/first')).toBeInstanceOf(TimeoutError);
    // While /first is still waiting, the next attempt carries a signal and is aborted.
    expect(await call('/second')).toBeInstanceOf(TimeoutError);
    await new Promise((resolve) => setTimeout(resolve, 450));
    expect(closedEarly.get('/first')).toBe(false);
    expect(closedEarly.get('/second')).toBe(true);
    // /first has settled: back to sending without a signal.
    expect(await call('/third')).toBeInstanceOf(TimeoutError);
    await new Promise((resolve) => setTimeout(resolve, 450));
    expect(closedEarly.get('/third')).toBe(false);
  });
});
