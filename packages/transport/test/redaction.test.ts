/**
 * Canary secrets through every error path: none may surface in a message, stack, String(),
 * JSON.stringify, util.inspect (any depth, cause included), a debug log line or a hook event.
 */
import { generateKeyPairSync } from 'node:crypto';
import { inspect } from 'node:util';
import { secret } from '@iamkit/core/schema';
import * as v from 'valibot';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  apiKeyAuth,
  authressAccessKeyAuth,
  basicAuth,
  bearerAuth,
  IamkitError,
  redactHeaders,
  redactSecrets,
  redactUrl,
  Transport,
  type TransportHooks,
} from '../src/index.js';
import {
  closedPort,
  type Handler,
  sendJson,
  sendText,
  startServer,
  type TestServer,
} from './helpers/server.js';

const CANARY = {
  apiKey: 'canary-apikey-7f3a9c1e',
  bearer: 'canary-bearer-51d2e8aa',
  password: 'canary-password-93ab77',
  secretAccessKey: 'canary-sak-0c0ffee0',
  keyText: 'canary-keytext-d00dfeed',
  sasToken: 'canary-sas-1badc0de',
  accountKey: 'canary-acct-facefeed',
  externalId: 'canary-extid-5eed5eed',
  query: 'canary-query-b0bac0de',
  privateKey: 'canary-privkey-abcdef12',
};
// Secrets with characters JSON escapes; each holds a plain marker a leak would show in any form.
const ESCAPED = {
  password: 'p"w\\canary-escaped-pw-4e1f\nend',
  keyText: '{"type":"service_account","private_key":"-----BEGIN-----\ncanary-escaped-key-77aa\n"}',
};
const ALL_CANARIES = [
  ...Object.values(CANARY),
  'canary-escaped-pw-4e1f',
  'canary-escaped-key-77aa',
];
const secretBody = {
  name: 'cred',
  credential: {
    aws: { access_key_id: 'AKIA-visible', secret_access_key: CANARY.secretAccessKey },
    azure: { account_name: 'acct', account_key: CANARY.accountKey },
    gcp: { key_text: CANARY.keyText },
  },
  role: { aws: { role_arn: 'arn:visible', external_id: CANARY.externalId } },
  token: { azure: { sas_token: CANARY.sasToken } },
};

// Echoes back everything it received, in the body and in headers, as a careless server might.
const echo =
  (status: number, mode: 'json' | 'text' = 'json'): Handler =>
  (req, res) => {
    const everything = `${req.method} ${req.url} ${JSON.stringify(req.headers)} ${req.body}`;
    const headers = {
      'x-echo': encodeURIComponent(everything).slice(0, 2000),
      'set-cookie': `s=${CANARY.bearer}`,
    };
    if (mode === 'text') return sendText(res, status, everything, headers);
    let parsedBody: unknown = null;
    try {
      parsedBody = JSON.parse(req.body);
    } catch {
      parsedBody = req.body;
    }
    return sendJson(
      res,
      status,
      {
        message: `rejected ${everything}`,
        api_key: req.headers['x-tiledb-rest-api-key'],
        authorization: req.headers.authorization,
        echoed: parsedBody,
        title: `title ${everything}`,
      },
      headers,
    );
  };

let server: TestServer;
let port: number;
beforeAll(async () => {
  server = await startServer();
  port = await closedPort();
});
afterAll(() => server.close());

function expectNoCanary(text: string, where: string) {
  for (const canary of ALL_CANARIES) {
    if (text.includes(canary))
      throw new Error(`canary ${canary} leaked through ${where}:\n${text}`);
  }
}

function expectClean(error: unknown) {
  expect(error).toBeInstanceOf(IamkitError);
  const e = error as IamkitError;
  expectNoCanary(e.message, 'message');
  expectNoCanary(String(e.stack), 'stack');
  expectNoCanary(String(e), 'String()');
  expectNoCanary(JSON.stringify(e), 'JSON.stringify');
  expectNoCanary(inspect(e, { depth: Infinity }), 'util.inspect');
  expectNoCanary(inspect(e, { depth: Infinity, showHidden: true }), 'util.inspect showHidden');
  expectNoCanary(inspect({ wrapped: e }, { depth: Infinity }), 'util.inspect nested');
  if (e.cause !== undefined) expectNoCanary(inspect(e.cause, { depth: Infinity }), 'cause');
}

type Scenario = [string, Handler | null, (url: string, hooks: TransportHooks) => Promise<unknown>];

const auths = {
  apiKey: () => apiKeyAuth(CANARY.apiKey),
  bearer: () => bearerAuth(async () => CANARY.bearer),
  basic: () => basicAuth({ username: 'user', password: CANARY.password }),
};

const scenarios: Scenario[] = [];
for (const [authName, makeAuth] of Object.entries(auths)) {
  for (const status of [400, 401, 403, 404, 409, 412, 413, 422, 429, 500, 503]) {
    scenarios.push([
      `${authName}: ${status} JSON echoing the request`,
      echo(status),
      (url, hooks) =>
        new Transport({ baseUrl: url, hooks, auth: makeAuth(), retry: false }).request({
          method: 'POST',
          path: '/v4/credentials/{workspace}/{teamspace}',
          params: { workspace: 'w', teamspace: 't' },
          query: { api_key: CANARY.query },
          body: secretBody,
        }),
    ]);
  }
  scenarios.push([
    `${authName}: 502 text echoing the request, after retries`,
    echo(502, 'text'),
    (url, hooks) =>
      new Transport({ baseUrl: url, hooks, auth: makeAuth(), retry: { baseDelay: 1 } }).request({
        method: 'PUT',
        path: '/v2/credentials/{ns}',
        params: { ns: 'n' },
        body: secretBody,
      }),
  ]);
  scenarios.push([
    `${authName}: connection refused`,
    null,
    (_url, hooks) =>
      new Transport({
        baseUrl: `http://127.0.0.1:${port}`,
        hooks,
        auth: makeAuth(),
        retry: false,
      }).request({
        method: 'GET',
        path: '/g',
        query: { token: CANARY.query },
      }),
  ]);
  scenarios.push([
    `${authName}: dropped connection`,
    (_req, res) => {
      res.socket?.destroy();
    },
    (url, hooks) =>
      new Transport({ baseUrl: url, hooks, auth: makeAuth(), retry: false }).request({
        method: 'POST',
        path: '/g',
        body: secretBody,
      }),
  ]);
  scenarios.push([
    `${authName}: attempt timeout`,
    (_req, res) => {
      setTimeout(() => sendJson(res, 200, {}), 300);
    },
    (url, hooks) =>
      new Transport({ baseUrl: url, hooks, auth: makeAuth(), retry: false, timeout: 30 }).request({
        method: 'GET',
        path: '/g',
      }),
  ]);
  scenarios.push([
    `${authName}: abort`,
    (_req, res) => {
      setTimeout(() => sendJson(res, 200, {}), 300);
    },
    (url, hooks) =>
      new Transport({ baseUrl: url, hooks, auth: makeAuth() }).request({
        method: 'GET',
        path: '/g',
        signal: AbortSignal.timeout(30),
      }),
  ]);
  scenarios.push([
    `${authName}: response validation of a body holding secrets`,
    (_req, res) => sendJson(res, 200, { ...secretBody, name: 42 }),
    (url, hooks) =>
      new Transport({ baseUrl: url, hooks, auth: makeAuth() }).request({
        method: 'GET',
        path: '/g',
        responseSchema: v.looseObject({ name: v.string() }),
      }),
  ]);
}
// A server that decodes the credentials and echoes them, as text inside JSON strings, under
// field names that are not secret, and raw inside a body that is not JSON.
const echoDecoded =
  (status: number, mode: 'json' | 'broken-json' = 'json'): Handler =>
  (req, res) => {
    const decoded = Buffer.from(
      String(req.headers.authorization).replace(/^Basic /, ''),
      'base64',
    ).toString();
    let keyText = '';
    try {
      keyText = JSON.parse(req.body).credential.gcp.key_text;
    } catch {
      // no body
    }
    const says = `wrong password ${decoded}; cannot parse key_text ${keyText}; raw ${req.body}`;
    if (mode === 'broken-json') {
      return sendText(res, status, `<html>${says}</html>`, { 'content-type': 'application/json' });
    }
    return sendJson(res, status, { message: says, title: says, whoami: decoded, [says]: 1 });
  };
const escapedAuth = () => basicAuth({ username: 'user', password: ESCAPED.password });
const escapedBody = { name: 'cred', credential: { gcp: { key_text: ESCAPED.keyText } } };
for (const [label, handler, responseSchema] of [
  ['400 JSON', echoDecoded(400), undefined],
  [
    '200 JSON that fails the response schema',
    echoDecoded(200),
    v.looseObject({ name: v.string() }),
  ],
  ['200 that says JSON but is not', echoDecoded(200, 'broken-json'), undefined],
] as const) {
  scenarios.push([
    `secrets with quotes, backslashes and newlines echoed back: ${label}`,
    handler,
    (url, hooks) =>
      new Transport({ baseUrl: url, hooks, auth: escapedAuth(), retry: false }).request({
        method: 'PUT',
        path: '/v2/credentials/{ns}',
        params: { ns: 'n' },
        body: escapedBody,
        responseSchema,
      }),
  ]);
}
scenarios.push([
  'request validation of a secret field',
  null,
  (url, hooks) =>
    new Transport({ baseUrl: url, hooks }).request({
      method: 'POST',
      path: '/c',
      body: { secret_access_key: CANARY.secretAccessKey, key_text: CANARY.keyText },
      bodySchema: v.strictObject({
        secret_access_key: secret(v.picklist(['only-this'])),
        key_text: secret(v.pipe(v.string(), v.regex(/^-----BEGIN/))),
      }),
    }),
]);
scenarios.push([
  'a per-call header fetch refuses',
  null,
  (url, hooks) =>
    new Transport({ baseUrl: url, hooks }).request({
      method: 'GET',
      path: '/g',
      headers: { 'X-TILEDB-REST-API-KEY': `${CANARY.apiKey}\nx-injected: 1` },
    }),
]);
scenarios.push([
  'an auth provider returning an unsendable token',
  null,
  (url, hooks) =>
    new Transport({ baseUrl: url, hooks, auth: bearerAuth(() => `${CANARY.bearer}\r\n`) }).request({
      method: 'GET',
      path: '/g',
    }),
]);
scenarios.push([
  'credentials in the base URL',
  null,
  async () => new Transport({ baseUrl: `https://user:${CANARY.password}@example.com` }),
]);
scenarios.push([
  'a malformed Authress access key',
  null,
  async () =>
    authressAccessKeyAuth(`sc.key.acc.${CANARY.privateKey}`, {
      authressApiUrl: 'https://a.api.authress.io',
    }),
]);
scenarios.push([
  'an Authress access key that is not a key at all',
  null,
  async () =>
    authressAccessKeyAuth(`sc.${CANARY.privateKey}`, {
      authressApiUrl: 'https://a.api.authress.io',
    }),
]);
scenarios.push([
  'an Authress private key that fails to import',
  null,
  async () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const der = privateKey.export({ format: 'der', type: 'pkcs8' });
    der[1] = 0x7f;
    const key = der.toString('base64');
    // The canary check cannot see this key, so check it by hand as well.
    const error = await authressAccessKeyAuth(`sc.key.acc.${key}`, {
      authressApiUrl: 'https://a.api.authress.io',
    })
      .getToken()
      .catch((e: unknown) => e);
    expect(inspect(error, { depth: Infinity })).not.toContain(key.slice(16));
    throw error;
  },
]);

describe('redaction with canary secrets', () => {
  it.each(scenarios)('%s', async (_name, handler, run) => {
    if (handler) server.setHandler(handler);
    const hookEvents: unknown[] = [];
    const debugLines: string[] = [];
    vi.stubEnv('IAMKIT_LOG', 'debug');
    const spy = vi.spyOn(console, 'error').mockImplementation((line: unknown) => {
      debugLines.push(String(line));
    });
    const record = (event: unknown) => {
      hookEvents.push(event);
    };
    const hooks = {
      beforeRequest: record,
      afterResponse: record,
      beforeRetry: record,
      onError: record,
    };
    let error: unknown;
    try {
      await run(server.url, hooks);
    } catch (e) {
      error = e;
    } finally {
      spy.mockRestore();
      vi.unstubAllEnvs();
    }
    expect(error, 'the scenario must fail').toBeDefined();
    expectClean(error);
    expectNoCanary(debugLines.join('\n'), 'debug log');
    expectNoCanary(JSON.stringify(hookEvents), 'hooks');
  });

  it('hooks never see a secret', async () => {
    server.setHandler(echo(500));
    const events: unknown[] = [];
    const record = (event: unknown) => {
      events.push(event);
    };
    await new Transport({
      baseUrl: server.url,
      auth: apiKeyAuth(CANARY.apiKey),
      retry: { baseDelay: 1, limit: 1 },
      hooks: { beforeRequest: record, afterResponse: record, beforeRetry: record, onError: record },
    })
      .request({ method: 'GET', path: '/g', query: { api_key: CANARY.query } })
      .catch(() => undefined);
    expect(events).toHaveLength(6);
    expectNoCanary(inspect(events, { depth: Infinity }), 'hook events');
  });

  it('the response body a hook reads has every secret removed', async () => {
    const bodies: unknown[] = [];
    for (const status of [200, 500]) {
      server.setHandler(echo(status));
      await new Transport({
        baseUrl: server.url,
        auth: apiKeyAuth(CANARY.apiKey),
        retry: false,
        hooks: {
          afterResponse: (event) => {
            bodies.push(event.body);
          },
        },
      })
        .request({
          method: 'POST',
          path: '/g',
          query: { api_key: CANARY.query },
          body: secretBody,
        })
        .catch(() => undefined);
    }
    expect(bodies).toHaveLength(2);
    // The echo is really there, parsed, with only the secrets taken out.
    expect(bodies[0]).toMatchObject({ echoed: { name: 'cred' } });
    expectNoCanary(JSON.stringify(bodies), 'hook response bodies');
  });

  it('a transport and its auth strategies print no secret', () => {
    const transport = new Transport({
      baseUrl: server.url,
      auth: apiKeyAuth(CANARY.apiKey),
      headers: { 'x-tiledb-rest-api-key': CANARY.apiKey },
    });
    expectNoCanary(inspect(transport, { depth: Infinity, showHidden: true }), 'inspect(transport)');
    expectNoCanary(JSON.stringify(transport), 'JSON(transport)');
    for (const auth of Object.values(auths)) {
      expectNoCanary(inspect(auth(), { depth: Infinity, showHidden: true }), 'inspect(auth)');
    }
  });
});

describe('redaction helpers', () => {
  it('redactSecrets replaces secret fields at any depth without touching the input', () => {
    const redacted = redactSecrets(secretBody);
    expectNoCanary(JSON.stringify(redacted), 'redactSecrets');
    expect(redacted.credential.aws.access_key_id).toBe('AKIA-visible');
    expect(redacted.credential.aws.secret_access_key).toBe('[REDACTED]');
    expect(redacted.token.azure.sas_token).toBe('[REDACTED]');
    expect(secretBody.credential.aws.secret_access_key).toBe(CANARY.secretAccessKey);
    const cyclic: Record<string, unknown> = { password: 'x' };
    cyclic['self'] = cyclic;
    expect(redactSecrets(cyclic)).toEqual({ password: '[REDACTED]', self: '[Circular]' });
    expect(redactSecrets([{ apiKey: 'k', API_KEY: 'k2', ApiKey: 'k3' }])).toEqual([
      { apiKey: '[REDACTED]', API_KEY: '[REDACTED]', ApiKey: '[REDACTED]' },
    ]);
  });

  it('redactHeaders handles Headers, records and entry lists', () => {
    const expected = {
      authorization: '[REDACTED]',
      'x-tiledb-rest-api-key': '[REDACTED]',
      accept: 'application/json',
    };
    const record = {
      Authorization: 'Bearer x',
      'X-TILEDB-REST-API-KEY': 'k',
      Accept: 'application/json',
    };
    expect(redactHeaders(record)).toEqual(expected);
    expect(redactHeaders(new Headers(record))).toEqual(expected);
    expect(redactHeaders(Object.entries(record))).toEqual(expected);
    expect(redactHeaders({ cookie: 'a=b', 'set-cookie': ['a', 'b'] })).toEqual({
      cookie: '[REDACTED]',
      'set-cookie': '[REDACTED]',
    });
  });

  it('redactUrl hides passwords and secret query parameters', () => {
    expect(redactUrl('https://u:p4ss@h.example/x?api_key=k&page=2&token=t')).toBe(
      'https://u:REDACTED@h.example/x?api_key=%5BREDACTED%5D&page=2&token=%5BREDACTED%5D',
    );
    expect(redactUrl('https://h.example/x?page=2')).toBe('https://h.example/x?page=2');
    expect(redactUrl('not a url //u:secret@x')).not.toContain('secret');
    // A bare host with user-info parses as scheme "svc:"; its password is hidden all the same.
    expect(redactUrl('svc:s3cret-pw@acme.api.authress.io/x')).toBe(
      'svc:[REDACTED]@acme.api.authress.io/x',
    );
  });
});
