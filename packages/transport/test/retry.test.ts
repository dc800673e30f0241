import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  AbortError,
  ConflictError,
  ConnectionError,
  InternalServerError,
  RateLimitError,
  type RetryEvent,
  TimeoutError,
  Transport,
} from '../src/index.js';
import {
  type Handler,
  sendJson,
  sequence,
  startServer,
  type TestServer,
} from './helpers/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());
afterEach(() => {
  server.requests.length = 0;
});

const fail =
  (status: number, headers: Record<string, string> = {}): Handler =>
  (_req, res) =>
    sendJson(res, status, { message: `failure ${status}` }, headers);
const ok: Handler = (_req, res) => sendJson(res, 200, { ok: true });
const drop: Handler = (_req, res) => {
  res.socket?.destroy();
};
const fastRetry = { baseDelay: 10, maxDelay: 40 };

describe('retries', () => {
  it('retries twice by default, then throws with the attempt count', async () => {
    server.setHandler(fail(503));
    const error = (await new Transport({ baseUrl: server.url, retry: fastRetry })
      .request({ method: 'GET', path: '/g' })
      .catch((e: unknown) => e)) as InternalServerError;
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error.attempts).toBe(3);
    expect(server.requests).toHaveLength(3);
  });

  it.each([408, 429, 500, 502, 503, 504])('retries %i and succeeds', async (status) => {
    server.setHandler(sequence(fail(status), ok));
    const data = await new Transport({ baseUrl: server.url, retry: fastRetry }).request({
      method: 'GET',
      path: '/g',
    });
    expect(data).toEqual({ ok: true });
    expect(server.requests).toHaveLength(2);
  });

  it.each([400, 401, 403, 404, 409, 412, 413, 422, 501])('does not retry %i', async (status) => {
    server.setHandler(sequence(fail(status), ok));
    await expect(
      new Transport({ baseUrl: server.url, retry: fastRetry }).request({
        method: 'GET',
        path: '/g',
      }),
    ).rejects.toHaveProperty('status', status);
    expect(server.requests).toHaveLength(1);
  });

  it('backs off exponentially with jitter, within the cap', async () => {
    server.setHandler(fail(500));
    await new Transport({ baseUrl: server.url, retry: { limit: 3, baseDelay: 40, maxDelay: 100 } })
      .request({ method: 'GET', path: '/g' })
      .catch(() => undefined);
    const gaps = server.requests.slice(1).map((req, i) => req.at - (server.requests[i]?.at ?? 0));
    expect(gaps).toHaveLength(3);
    // 40, 80, then capped at 100; jitter takes up to a quarter off each.
    const expected = [40, 80, 100];
    gaps.forEach((gap, i) => {
      const wanted = expected[i] as number;
      expect(gap).toBeGreaterThanOrEqual(wanted * 0.75 - 5);
      expect(gap).toBeLessThan(wanted + 60);
    });
  });

  it('honours Retry-After in seconds', async () => {
    server.setHandler(sequence(fail(429, { 'retry-after': '1' }), ok));
    const started = performance.now();
    await new Transport({ baseUrl: server.url, retry: fastRetry }).request({
      method: 'GET',
      path: '/g',
    });
    const gap = (server.requests[1]?.at ?? 0) - (server.requests[0]?.at ?? 0);
    expect(gap).toBeGreaterThanOrEqual(990);
    expect(performance.now() - started).toBeLessThan(1800);
  });

  it('honours Retry-After as an HTTP date', async () => {
    // HTTP dates have whole seconds: ask for "in 2 s" and expect a wait of 1-2 s.
    const when = new Date(Date.now() + 2000).toUTCString();
    server.setHandler(sequence(fail(503, { 'retry-after': when }), ok));
    await new Transport({ baseUrl: server.url, retry: fastRetry }).request({
      method: 'GET',
      path: '/g',
    });
    const gap = (server.requests[1]?.at ?? 0) - (server.requests[0]?.at ?? 0);
    expect(gap).toBeGreaterThanOrEqual(900);
    expect(gap).toBeLessThan(2300);
  });

  it('prefers retry-after-ms', async () => {
    server.setHandler(sequence(fail(429, { 'retry-after-ms': '150', 'retry-after': '30' }), ok));
    await new Transport({ baseUrl: server.url, retry: fastRetry }).request({
      method: 'GET',
      path: '/g',
    });
    const gap = (server.requests[1]?.at ?? 0) - (server.requests[0]?.at ?? 0);
    expect(gap).toBeGreaterThanOrEqual(145);
    expect(gap).toBeLessThan(1000);
  });

  it('gives up when the server asks for longer than maxRetryAfter', async () => {
    server.setHandler(sequence(fail(429, { 'retry-after-ms': '500' }), ok));
    const error = (await new Transport({
      baseUrl: server.url,
      retry: { ...fastRetry, maxRetryAfter: 200 },
    })
      .request({ method: 'GET', path: '/g' })
      .catch((e: unknown) => e)) as RateLimitError;
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.retryAfterMs).toBe(500);
    expect(server.requests).toHaveLength(1);
  });

  it('retries dropped connections', async () => {
    server.setHandler(sequence(drop, drop, ok));
    const data = await new Transport({ baseUrl: server.url, retry: fastRetry }).request({
      method: 'GET',
      path: '/g',
    });
    expect(data).toEqual({ ok: true });
    expect(server.requests).toHaveLength(3);
  });

  it('retries an attempt that timed out', async () => {
    const slow: Handler = (_req, res) => {
      setTimeout(() => sendJson(res, 200, { slow: true }), 300);
    };
    server.setHandler(sequence(slow, ok));
    const data = await new Transport({
      baseUrl: server.url,
      retry: fastRetry,
      timeout: 80,
    }).request({
      method: 'GET',
      path: '/g',
    });
    expect(data).toEqual({ ok: true });
    expect(server.requests).toHaveLength(2);
  });

  it('never retries a plain POST', async () => {
    server.setHandler(sequence(fail(503), ok));
    await expect(
      new Transport({ baseUrl: server.url, retry: fastRetry }).request({
        method: 'POST',
        path: '/v2/groups/ns',
        body: { name: 'g' },
      }),
    ).rejects.toBeInstanceOf(InternalServerError);
    expect(server.requests).toHaveLength(1);

    server.requests.length = 0;
    server.setHandler(sequence(drop, ok));
    await expect(
      new Transport({ baseUrl: server.url, retry: fastRetry }).request({
        method: 'PATCH',
        path: '/c',
        body: {},
      }),
    ).rejects.toBeInstanceOf(ConnectionError);
    expect(server.requests).toHaveLength(1);
  });

  it('retries a POST declared idempotent (a retrieve done with POST)', async () => {
    server.setHandler(sequence(fail(502), ok));
    await new Transport({ baseUrl: server.url, retry: fastRetry }).request({
      method: 'POST',
      path: '/v2/groups/ns/g/metadata',
      body: {},
      idempotent: true,
    });
    expect(server.requests).toHaveLength(2);
  });

  it('does not retry a PUT declared not idempotent (a PUT that creates)', async () => {
    server.setHandler(sequence(fail(503), ok));
    await expect(
      new Transport({ baseUrl: server.url, retry: fastRetry }).request({
        method: 'PUT',
        path: '/v2/groups/ns',
        body: { name: 'g' },
        idempotent: false,
      }),
    ).rejects.toBeInstanceOf(InternalServerError);
    expect(server.requests).toHaveLength(1);
  });

  it('retries a POST with an idempotency key and sends the same key each time', async () => {
    server.setHandler(sequence(fail(500), ok));
    await new Transport({ baseUrl: server.url, retry: fastRetry }).request({
      method: 'POST',
      path: '/v1/groups',
      body: { name: 'g' },
      idempotencyKey: 'create-g-1',
    });
    expect(server.requests.map((req) => req.headers['idempotency-key'])).toEqual([
      'create-g-1',
      'create-g-1',
    ]);
    expect(server.requests.map((req) => req.body)).toEqual(['{"name":"g"}', '{"name":"g"}']);
  });

  it('turns retries off per client and per call', async () => {
    server.setHandler(fail(503));
    await new Transport({ baseUrl: server.url, retry: false })
      .request({ method: 'GET', path: '/g' })
      .catch(() => undefined);
    expect(server.requests).toHaveLength(1);

    server.requests.length = 0;
    const transport = new Transport({ baseUrl: server.url, retry: fastRetry });
    await transport.request({ method: 'GET', path: '/g', retry: false }).catch(() => undefined);
    expect(server.requests).toHaveLength(1);

    server.requests.length = 0;
    await transport
      .request({ method: 'GET', path: '/g', retry: { limit: 4 } })
      .catch(() => undefined);
    expect(server.requests).toHaveLength(5);
  });

  it('retries other statuses when configured to', async () => {
    server.setHandler(sequence(fail(409), ok));
    await new Transport({
      baseUrl: server.url,
      retry: { ...fastRetry, statusCodes: [409] },
    }).request({
      method: 'GET',
      path: '/g',
    });
    expect(server.requests).toHaveLength(2);
    server.requests.length = 0;
    server.setHandler(sequence(fail(409), ok));
    await expect(
      new Transport({ baseUrl: server.url, retry: fastRetry }).request({
        method: 'GET',
        path: '/g',
      }),
    ).rejects.toBeInstanceOf(ConflictError);
  });

  it('stops retrying when the next wait would pass the overall deadline', async () => {
    server.setHandler(fail(503, { 'retry-after-ms': '400' }));
    const started = performance.now();
    const error = await new Transport({
      baseUrl: server.url,
      timeout: { attempt: 1000, total: 300 },
    })
      .request({ method: 'GET', path: '/g' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InternalServerError);
    expect(server.requests).toHaveLength(1);
    expect(performance.now() - started).toBeLessThan(250);
  });

  it('ends the retries with TimeoutError (total) when the deadline hits mid-attempt', async () => {
    const slow: Handler = (_req, res) => {
      setTimeout(() => sendJson(res, 500, {}), 60);
    };
    server.setHandler(slow);
    const error = (await new Transport({
      baseUrl: server.url,
      retry: { limit: 10, baseDelay: 1, maxDelay: 1 },
      timeout: { attempt: 1000, total: 200 },
    })
      .request({ method: 'GET', path: '/g' })
      .catch((e: unknown) => e)) as TimeoutError;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.phase).toBe('total');
    expect(server.requests.length).toBeGreaterThanOrEqual(2);
  });

  it('aborts during the backoff wait', async () => {
    server.setHandler(fail(503, { 'retry-after-ms': '5000' }));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = performance.now();
    const error = await new Transport({ baseUrl: server.url })
      .request({ method: 'GET', path: '/g', signal: controller.signal })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect(server.requests).toHaveLength(1);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('ignores a negative Retry-After and backs off as usual instead of retrying at once', async () => {
    server.setHandler(sequence(fail(503, { 'retry-after': '-5' }), ok));
    await new Transport({
      baseUrl: server.url,
      retry: { baseDelay: 200, maxDelay: 200 },
    }).request({ method: 'GET', path: '/g' });
    const [first, second] = server.requests;
    expect(server.requests).toHaveLength(2);
    // Backoff of 200 ms less at most a quarter of jitter; "retry now" would be ~0 ms.
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(140);
  });

  it('tells beforeRetry hooks about each retry', async () => {
    const events: RetryEvent[] = [];
    server.setHandler(sequence(fail(503), fail(429, { 'retry-after-ms': '20' }), ok));
    await new Transport({
      baseUrl: server.url,
      retry: fastRetry,
      hooks: {
        beforeRetry: (event) => {
          events.push(event);
        },
      },
    }).request({ method: 'GET', path: '/g' });
    expect(events.map((event) => [event.attempt, event.error.code])).toEqual([
      [1, 'internal_server'],
      [2, 'rate_limit'],
    ]);
    expect(events[1]?.delayMs).toBe(20);
  });
});
