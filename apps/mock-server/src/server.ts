/**
 * `startMockServer()`: state (seed or data file), services, the hono app and a Node
 * HTTP server, with a clean shutdown that lets in-flight requests finish and flushes
 * the journal.
 */
import { readdir, readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import type { Hono } from 'hono';
import { buildApp } from './app.js';
import {
  AuthressTokens,
  type Ed25519PublicJwk,
  generateUserTokenKey,
  type UserTokenKey,
} from './authress-keys.js';
import { adminRoutes, userRoutes } from './builtin-routes.js';
import { FaultRules } from './faults.js';
import {
  defaultSeed,
  ORGANIZATIONS,
  type OrganizationRecord,
  type OrganizationRole,
  SERVER_KEYS,
  SERVICE_CLIENTS,
  type SeedInput,
  type ServiceClientRecord,
  seedToState,
  USERS,
  type UserRecord,
} from './identities.js';
import { Journal, lockDataFile } from './journal.js';
import { buildOpenApi } from './openapi.js';
import type { DomainRoutes, MockEnv, MockServices } from './plugin.js';
import { RequestLog } from './request-log.js';
import { Store } from './store.js';

export interface StartMockServerOptions {
  /** Port to listen on; `0` (the default) picks a free one. */
  port?: number;
  /** Interface to bind; default `127.0.0.1`. */
  host?: string;
  /** Identities and initial data; default: see {@link defaultSeed}. Validated. */
  seed?: SeedInput;
  /**
   * Keep all state in this file (plus `FILE.journal`) across restarts. When the file
   * exists its state wins over `seed`; the seed is still what `/__admin/reset` restores.
   */
  dataFile?: string;
  /** Journaled writes between snapshots (default 1000). */
  compactEvery?: number;
  /**
   * Extra routes served next to the built-in domains, written against the plugin
   * interface (`@iamkit/mock-server/plugin`, see ROUTES.md).
   */
  routes?: readonly DomainRoutes[];
  /** Where unexpected errors (500s) are reported; default `console.error`. */
  onError?: (error: unknown) => void;
}

export interface MockUserIdentity {
  username: string;
  email: string;
  password?: string;
  apiKeys: string[];
  /** Organization name -> role. */
  organizations: Record<string, OrganizationRole>;
}

export interface MockServiceClientIdentity {
  clientId: string;
  keyId: string;
  accountId: string;
  /** Present when the server knows it (seeded with or generated an access key). */
  accessKey?: string;
  publicJwk: Ed25519PublicJwk;
}

export interface MockIdentities {
  users: MockUserIdentity[];
  serviceClients: MockServiceClientIdentity[];
}

export interface MockServer {
  /** `http://HOST:PORT`: the TileDB base URL (routes at /v1, /v2, /v4). */
  url: string;
  /** `http://HOST:PORT/authress`: the Authress base URL (`authressApiUrl`). */
  authressUrl: string;
  host: string;
  port: number;
  /** Current users and service clients, with their credentials (for tests). */
  readonly identities: MockIdentities;
  /** The hono app (e.g. `server.app.request('/v1/user')` without a socket). */
  app: Hono<MockEnv>;
  /** Restores the seeded state, clears fault rules and the request journal. */
  reset(): Promise<void>;
  /** Stops accepting connections, waits for in-flight requests, flushes the data file. */
  close(): Promise<void>;
}

/** Finds `routes/<domain>/index.js` next to this file; each default-exports defineRoutes(). */
export async function loadDomainRoutes(): Promise<DomainRoutes[]> {
  const dir = new URL('./routes/', import.meta.url);
  let entries: string[];
  try {
    entries = (await readdir(dir, { withFileTypes: true }))
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
  } catch {
    return [];
  }
  const domains: DomainRoutes[] = [];
  for (const name of entries) {
    const candidates = ['index.js', 'index.ts'];
    let loaded = false;
    for (const file of candidates) {
      const url = new URL(`${name}/${file}`, dir);
      try {
        await readFile(url);
      } catch {
        continue;
      }
      const mod = (await import(url.href)) as { default?: DomainRoutes };
      if (!mod.default || typeof mod.default.register !== 'function') {
        throw new Error(
          `routes/${name}/${file} must default-export defineRoutes({ name, register })`,
        );
      }
      domains.push(mod.default);
      loaded = true;
      break;
    }
    if (!loaded) continue;
  }
  return domains;
}

// Read on first start, not at import: a top-level await would stop `require()` of this
// package from CommonJS test suites (Jest), which Node 20.19 otherwise allows.
let packageVersion: Promise<string> | undefined;
function readPackageVersion(): Promise<string> {
  packageVersion ??= readFile(new URL('../package.json', import.meta.url), 'utf8')
    .then((text) => (JSON.parse(text) as { version: string }).version)
    .catch(() => '0.0.0');
  return packageVersion;
}

export async function startMockServer(options: StartMockServerOptions = {}): Promise<MockServer> {
  const version = await readPackageVersion();
  const host = options.host ?? '127.0.0.1';
  const seedState = seedToState(options.seed ?? defaultSeed());
  // Part of the state, so user tokens outlive a restart with --data.
  seedState[SERVER_KEYS] = { 'user-tokens': generateUserTokenKey() };
  const started = Date.now();

  let store: Store;
  let journal: Journal | undefined;
  let unlock: (() => Promise<void>) | undefined;
  if (options.dataFile) {
    unlock = await lockDataFile(options.dataFile);
    try {
      const loaded = await Journal.load(options.dataFile);
      const loadedStore = new Store(loaded.state ?? seedState);
      for (const op of loaded.ops) loadedStore.apply(op);
      store = loadedStore;
      journal = await Journal.open(options.dataFile, loaded.seq, () => loadedStore.toJSON(), {
        ...(options.compactEvery === undefined ? {} : { compactEvery: options.compactEvery }),
      });
      store.attachJournal(journal);
    } catch (error) {
      await unlock();
      throw error;
    }
  } else {
    store = new Store(seedState);
  }

  // Everything after the data file is open must release it if startup fails.
  const assemble = async () => {
    const serviceClients = () => store.collection<ServiceClientRecord>(SERVICE_CLIENTS);
    const accountId = serviceClients().values()[0]?.accountId ?? 'acc-mock';
    const userTokenKey = () => store.collection<UserTokenKey>(SERVER_KEYS).get('user-tokens');
    if (!userTokenKey()) {
      await store.write((tx) =>
        tx.collection(SERVER_KEYS).set('user-tokens', generateUserTokenKey()),
      );
    }
    const tokens = new AuthressTokens(accountId, () => userTokenKey()!);
    const services: MockServices = {
      store,
      now: () => new Date(),
      authress: {
        accountId,
        tokens,
        mintUserToken: (c, opts) =>
          tokens.mintUserToken({
            userId: opts.userId,
            issuer: new URL('/authress', c.req.url).toString(),
            ...(opts.accountId === undefined ? {} : { accountId: opts.accountId }),
            ...(opts.expiresInSeconds === undefined
              ? {}
              : { expiresInSeconds: opts.expiresInSeconds }),
            ...(opts.claims === undefined ? {} : { claims: opts.claims }),
          }),
        jwks: () => ({
          keys: [
            ...tokens.userTokenJwks().keys,
            ...serviceClients()
              .values()
              .map((sc) => ({
                ...sc.publicJwk,
                kid: sc.keyId,
                alg: 'EdDSA' as const,
                use: 'sig' as const,
              })),
          ],
        }),
        findServiceClient: (clientId) => serviceClients().get(clientId),
        findServiceClientByKeyId: (keyId) =>
          serviceClients()
            .values()
            .find((sc) => sc.keyId === keyId),
      },
    };

    const faults = new FaultRules();
    const requestLog = new RequestLog();
    const domains = [...(await loadDomainRoutes()), ...(options.routes ?? [])];
    let routesForDocs: readonly import('./plugin.js').AnyRouteSpec[] = [];
    let openapiDoc: unknown;
    const onError =
      options.onError ??
      ((error: unknown) => console.error('iamkit-mock: unexpected error', error));
    const reset = async () => {
      faults.clear();
      requestLog.clear();
      await store.replaceAll(seedState);
    };
    const { app, routes } = buildApp(
      { services, faults, requestLog, domains, onUnexpectedError: (error) => onError(error) },
      [
        userRoutes,
        adminRoutes({
          store,
          faults,
          requestLog,
          reset,
          health: () => ({
            status: 'ok',
            version,
            uptimeSeconds: Math.round((Date.now() - started) / 1000),
            persistence: options.dataFile ? 'file' : 'memory',
            domains: domains.map((d) => d.name),
          }),
          openapi: () => {
            openapiDoc ??= buildOpenApi(routesForDocs, version);
            return openapiDoc;
          },
        }),
      ],
    );
    routesForDocs = routes;

    const server = await listen(app, options.port ?? 0, host);
    return { server, app, reset };
  };
  let assembled: Awaited<ReturnType<typeof assemble>>;
  try {
    assembled = await assemble();
  } catch (error) {
    await journal?.close();
    await unlock?.();
    throw error;
  }
  const { server, app, reset } = assembled;
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const url = `http://${urlHost}:${port}`;

  let closing: Promise<void> | undefined;
  return {
    url,
    authressUrl: `${url}/authress`,
    host,
    port,
    app,
    get identities() {
      return identitiesOf(store);
    },
    reset,
    close() {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          // Keep-alive sockets would hold close() open: close each one as soon as it
          // is idle (its in-flight request answered); after 5 s close whatever is left.
          const idle = setInterval(() => server.closeIdleConnections(), 25);
          const force = setTimeout(() => server.closeAllConnections(), 5000);
          force.unref();
          server.close(() => {
            clearInterval(idle);
            clearTimeout(force);
            resolve();
          });
          server.closeIdleConnections();
        });
        try {
          await journal?.close();
        } finally {
          await unlock?.();
        }
      })();
      return closing;
    },
  };
}

function listen(
  app: Hono<MockEnv>,
  port: number,
  hostname: string,
): Promise<ServerType & import('node:http').Server> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port, hostname }) as ServerType &
      import('node:http').Server;
    server.once('listening', () => {
      server.off('error', reject);
      resolve(server);
    });
    server.once('error', reject);
  });
}

function identitiesOf(store: Store): MockIdentities {
  const orgs = store.collection<OrganizationRecord>(ORGANIZATIONS).values();
  return {
    users: store
      .collection<UserRecord>(USERS)
      .values()
      .map((u) => ({
        username: u.username,
        email: u.email,
        ...(u.password === undefined ? {} : { password: u.password }),
        apiKeys: [...u.apiKeys],
        organizations: Object.fromEntries(
          orgs.filter((o) => o.members[u.username]).map((o) => [o.name, o.members[u.username]!]),
        ),
      })),
    serviceClients: store
      .collection<ServiceClientRecord>(SERVICE_CLIENTS)
      .values()
      .map((sc) => ({
        clientId: sc.clientId,
        keyId: sc.keyId,
        accountId: sc.accountId,
        ...(sc.accessKey === undefined ? {} : { accessKey: sc.accessKey }),
        publicJwk: { ...sc.publicJwk, kid: sc.keyId, alg: 'EdDSA' as const, use: 'sig' as const },
      })),
  };
}
