import { type MockServer, startMockServer } from '@iamkit/mock-server';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { apiKeyAuth, GroupsClient } from '../src/index.js';

export interface Fixture {
  server: MockServer;
  /** `demo`: owns namespace `demo` and organization `demo-org`. */
  demo: GroupsClient;
  /** `demo-member`: owns `demo-member`, reads `demo-org` only. */
  member: GroupsClient;
  /** Paths of the group requests the server has received since the last reset. */
  groupRequests(): Promise<string[]>;
}

/** One real mock server for the file, reset before each test. */
export function useMockServer(): Fixture {
  const fixture = {} as Fixture;
  beforeAll(async () => {
    fixture.server = await startMockServer({ port: 0 });
    const client = (key: string) =>
      new GroupsClient({ baseUrl: fixture.server.url, auth: apiKeyAuth(key), retry: false });
    fixture.demo = client('demo-api-key');
    fixture.member = client('demo-member-key');
    fixture.groupRequests = async () => {
      const response = await fetch(`${fixture.server.url}/__admin/requests`);
      const { requests } = (await response.json()) as {
        requests: Array<{ method: string; path: string }>;
      };
      return requests
        .filter((request) => request.path.startsWith('/v2/groups'))
        .map((request) => `${request.method} ${request.path}`);
    };
  });
  beforeEach(async () => {
    await fixture.server.reset();
  });
  afterAll(async () => {
    await fixture.server?.close();
  });
  return fixture;
}

/** The stored record of a group, read from the server's admin state. */
export async function storedGroup(server: MockServer, name: string) {
  const response = await fetch(`${server.url}/__admin/state`);
  const state = (await response.json()) as {
    tiledb_groups?: Record<string, Record<string, unknown>>;
  };
  return Object.values(state.tiledb_groups ?? {}).find((group) => group['name'] === name);
}
