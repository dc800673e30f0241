import { generateKeyPairSync } from 'node:crypto';
import { AuthressGroupsClient, type AuthressGroupsClientOptions } from '@iamkit/authress';
import { type MockServer, startMockServer } from '@iamkit/mock-server';
import { authressAccessKeyAuth } from '@iamkit/transport';
import { afterAll, beforeAll, beforeEach } from 'vitest';

export interface Harness {
  server: MockServer;
  accessKey: string;
  /** A client signed in as the seeded service client, with fast retries. */
  client: AuthressGroupsClient;
  clientWith(options: Partial<AuthressGroupsClientOptions>): AuthressGroupsClient;
  /** A fresh service-client JWT, for raw requests. */
  token(): Promise<string>;
  /** `fetch` against the Authress base URL with the service client's token. */
  raw(path: string, init?: RequestInit & { json?: unknown }): Promise<Response>;
  /** Mints a user token through `POST /authress/api/authentication`. */
  userToken(userId: string): Promise<string>;
  /** Adds a fault rule (`/__admin/faults`). */
  fault(rule: Record<string, unknown>): Promise<void>;
  /** What the server journaled (`/__admin/requests`), oldest first, by method and path. */
  requests(method: string, path?: string): Promise<JournaledRequest[]>;
}

export interface JournaledRequest {
  method: string;
  path: string;
  status: number;
  dropped?: boolean;
}

export const FAST_RETRY = { limit: 2, baseDelay: 5, maxDelay: 20 } as const;

export async function startHarness(): Promise<Harness> {
  const server = await startMockServer({ port: 0 });
  const accessKey = server.identities.serviceClients[0]!.accessKey!;
  const auth = authressAccessKeyAuth(accessKey, { authressApiUrl: server.authressUrl });
  const clientWith = (options: Partial<AuthressGroupsClientOptions>) =>
    new AuthressGroupsClient({
      authressApiUrl: server.authressUrl,
      retry: FAST_RETRY,
      ...(options.auth || options.token !== undefined ? {} : { accessKey }),
      ...options,
    });
  const token = () => auth.getToken();
  return {
    server,
    accessKey,
    client: clientWith({}),
    clientWith,
    token,
    async raw(path, init = {}) {
      const { json, ...rest } = init;
      const headers = new Headers(rest.headers);
      if (!headers.has('authorization')) headers.set('authorization', `Bearer ${await token()}`);
      if (json !== undefined) headers.set('content-type', 'application/json');
      return fetch(`${server.authressUrl}${path}`, {
        ...rest,
        headers,
        ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
      });
    },
    async userToken(userId) {
      const response = await fetch(`${server.authressUrl}/api/authentication`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ userId }),
      });
      if (response.status !== 200) throw new Error(`minting failed: ${response.status}`);
      return ((await response.json()) as { accessToken: string }).accessToken;
    },
    async fault(rule) {
      const response = await fetch(`${server.url}/__admin/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(rule),
      });
      if (response.status !== 201) throw new Error(`fault rule refused: ${await response.text()}`);
    },
    async requests(method, path) {
      const response = await fetch(`${server.url}/__admin/requests`);
      const { requests } = (await response.json()) as { requests: JournaledRequest[] };
      return requests.filter((r) => r.method === method && (path === undefined || r.path === path));
    },
  };
}

/** A well-formed access key for a service client the server has never heard of. */
export function unknownAccessKey(accountId = 'acc-mock'): string {
  const { privateKey } = generateKeyPairSync('ed25519');
  const der = privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');
  return `sc_stranger.key_stranger.${accountId}.${der}`;
}

export const users = (n: number, prefix = 'user') =>
  Array.from({ length: n }, (_, i) => ({ userId: `${prefix}|${i}` }));

/**
 * The harness for one test file: started before its tests, reset before each (so tests
 * never see each other's groups), closed after.
 */
export function useHarness(): Harness {
  const harness = {} as Harness;
  beforeAll(async () => {
    Object.assign(harness, await startHarness());
  });
  beforeEach(async () => {
    await harness.server.reset();
  });
  afterAll(async () => {
    await harness.server?.close();
  });
  return harness;
}
