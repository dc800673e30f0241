/**
 * The plugin interface: everything a domain's routes (`src/routes/<domain>/index.ts`)
 * use. See ROUTES.md for the guide. Domain code imports from here only.
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Context } from 'hono';
import type * as v from 'valibot';
import type { AuthressTokens, Ed25519PublicJwk, ServiceClientKey } from './authress-keys.js';
import { type ApiKind, forbidden, notFound, unauthorized } from './errors.js';
import {
  ORGANIZATIONS,
  type OrganizationRecord,
  type OrganizationRole,
  SERVICE_CLIENTS,
  type ServiceClientRecord,
  USERS,
  type UserRecord,
} from './identities.js';
import type { Store } from './store.js';

export type { Ed25519PublicJwk, ServiceClientKey, VerifiedToken } from './authress-keys.js';
export * from './errors.js';
export {
  ORGANIZATION_ROLES,
  ORGANIZATIONS,
  type OrganizationRecord,
  type OrganizationRole,
  SERVICE_CLIENTS,
  type ServiceClientRecord,
  USERS,
  type UserRecord,
} from './identities.js';
export type { Collection, Store, WritableCollection, WriteTx } from './store.js';
export { fieldIssues, validateOrThrow } from './validation.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';

/** A TileDB caller: a user, however it authenticated. */
export interface TileDBCaller {
  api: 'tiledb';
  username: string;
  user: UserRecord;
  via: 'api-key' | 'basic' | 'bearer';
}

/** An Authress caller: a service client (access-key JWT) or a user (minted token). */
export type AuthressCaller =
  | {
      api: 'authress';
      kind: 'service-client';
      subject: string;
      clientId: string;
      accountId: string;
    }
  | {
      api: 'authress';
      kind: 'user';
      subject: string;
      userId: string;
      /** The account the token was minted for (its `aud`). */
      accountId: string;
    };

export type Caller = TileDBCaller | AuthressCaller;

/** Services every route reaches through `c.var.mock`. */
export interface MockServices {
  store: Store;
  authress: {
    /**
     * The default account: the first seeded service client's (else `acc-mock`). User tokens
     * are minted for it unless another is named (`aud` = `<accountId>.accounts.authress.io`).
     */
    accountId: string;
    tokens: AuthressTokens;
    /** Mints a user token signed by this server (for `POST /authress/api/authentication`). */
    mintUserToken(
      c: MockContext,
      options: {
        userId: string;
        /** Default {@link accountId}. */
        accountId?: string;
        expiresInSeconds?: number;
        claims?: Record<string, unknown>;
      },
    ): Promise<{ token: string; expiresAt: Date }>;
    /** Public keys: user-token key plus every service client's key, as a JWK set. */
    jwks(): { keys: Ed25519PublicJwk[] };
    findServiceClient(clientId: string): ServiceClientRecord | undefined;
    findServiceClientByKeyId(keyId: string): ServiceClientKey | undefined;
  };
  /** Request-independent clock, so tests could pin it later. */
  now(): Date;
}

export interface MockVariables {
  requestId: string;
  mock: MockServices;
  /** Set by the auth step of a route that requires authentication. */
  caller: Caller | undefined;
  /** The API the matched route belongs to (selects the error shape). */
  api: ApiKind;
}

export interface MockEnv {
  Bindings: { incoming?: IncomingMessage; outgoing?: ServerResponse };
  Variables: MockVariables;
}

export type MockContext = Context<MockEnv>;

export interface ResponseSpec {
  description: string;
  /** A core response schema, for `/openapi.json`. */
  schema?: v.GenericSchema;
  /** Defaults to `application/json` (TileDB) or `application/links+json` (Authress). */
  contentType?: string;
}

/**
 * A request header the route reads (its handler reads it with `c.req.header(name)`):
 * documentation for `/openapi.json`, like `responses`.
 */
export interface HeaderSpec {
  description?: string;
  /** Default false. */
  required?: boolean;
  /** The value's schema; default a string. */
  schema?: v.GenericSchema;
}

export interface RouteInput<TBody, TQuery> {
  /** The validated body (undefined when the route has no body schema, or it is optional and absent). */
  body: TBody;
  /** The validated query (raw strings when the route declares no query schema). */
  query: TQuery;
  /** Decoded path parameters (`%2F` arrives as `/`). */
  params: Record<string, string>;
}

export interface RouteSpec<TBody = undefined, TQuery = Record<string, string>> {
  method: HttpMethod;
  /** Hono path syntax, with the full prefix: `/v2/groups/:group_namespace/:group_name`. */
  path: string;
  /** Selects authentication and the error shape. `admin` is for the server's own routes. */
  api: ApiKind;
  operationId: string;
  summary?: string;
  tags?: string[];
  /** Default true: the caller must authenticate (TileDB credentials or Authress JWT). */
  auth?: boolean;
  /** A core request schema; the body is parsed, validated and handed over as `input.body`. */
  body?: v.GenericSchema<unknown, TBody>;
  /** Default true when `body` is set: an empty body is a 400. */
  bodyRequired?: boolean;
  /** Largest accepted body in bytes; default 1 MB. */
  bodyLimit?: number;
  /** A schema for the query object (values are strings). */
  query?: v.GenericSchema<unknown, TQuery>;
  /** Request headers the handler reads, by name (documented in `/openapi.json`). */
  headers?: Record<string, HeaderSpec>;
  responses: Record<number, ResponseSpec>;
  handler: (c: MockContext, input: RouteInput<TBody, TQuery>) => Response | Promise<Response>;
}

// biome-ignore lint/suspicious/noExplicitAny: a heterogenous list of routes, each typed at its definition
export type AnyRouteSpec = RouteSpec<any, any>;

export interface RouteRegistrar {
  route<TBody = undefined, TQuery = Record<string, string>>(spec: RouteSpec<TBody, TQuery>): void;
}

export interface DomainRoutes {
  /** Short domain name, e.g. `groups`; shown in logs and `/openapi.json` tags. */
  name: string;
  register(r: RouteRegistrar): void;
}

/** What `src/routes/<domain>/index.ts` default-exports. */
export function defineRoutes(domain: DomainRoutes): DomainRoutes {
  return domain;
}

// ---------------------------------------------------------------- responses

/** JSON response in the route API's media type; `undefined` fields are omitted. */
export function json(c: MockContext, body: unknown, status = 200): Response {
  const contentType =
    c.var.api === 'authress' && status < 300 ? 'application/links+json' : 'application/json';
  return c.body(JSON.stringify(body), status as 200, { 'Content-Type': contentType });
}

/** A success without a body (204 by default; TileDB also uses 200/201 bodiless). */
export function noContent(c: MockContext, status = 204): Response {
  return c.body(null, status as 204);
}

/** Absolute URL on this server for `path` (for Authress `links`). */
export function publicUrl(c: MockContext, path: string): string {
  return new URL(path, c.req.url).toString();
}

// ---------------------------------------------------------------- callers

/** The authenticated TileDB user (throws 401 if the route was not a TileDB route). */
export function tiledbCaller(c: MockContext): TileDBCaller {
  const caller = c.var.caller;
  if (caller?.api !== 'tiledb') throw unauthorized();
  return caller;
}

/** The authenticated Authress caller. */
export function authressCaller(c: MockContext): AuthressCaller {
  const caller = c.var.caller;
  if (caller?.api !== 'authress') throw unauthorized();
  return caller;
}

// ---------------------------------------------------------------- authorization

/**
 * What a caller may do in a namespace:
 * - `read`: read assets (groups, metadata, credentials list without secrets);
 * - `write`: create, change and delete assets such as groups;
 * - `admin`: manage credentials and organization members, edit the organization;
 * - `owner`: delete the organization.
 */
export type NamespacePermission = 'read' | 'write' | 'admin' | 'owner';

const ROLE_PERMISSIONS: Record<OrganizationRole, readonly NamespacePermission[]> = {
  owner: ['read', 'write', 'admin', 'owner'],
  admin: ['read', 'write', 'admin'],
  read_write_delete: ['read', 'write'],
  read_write: ['read', 'write'],
  read_only: ['read'],
};

export interface NamespaceAccess {
  namespace: string;
  kind: 'user' | 'organization';
  /** `owner` for the caller's own namespace. */
  role: OrganizationRole;
  organization?: OrganizationRecord;
}

/**
 * Allows the TileDB caller to act in `namespace` with `permission`, or throws.
 *
 * - Own namespace (username): everything.
 * - An organization the caller belongs to: what its role allows; otherwise 403 naming
 *   the role and the permission needed (a member already knows the organization exists).
 * - Anything else (another user, an organization the caller is not in, or a namespace
 *   that does not exist): 404 with the same message in every case, so the answer never
 *   reveals whether the namespace exists.
 */
export function authorizeNamespace(
  c: MockContext,
  namespace: string,
  permission: NamespacePermission,
): NamespaceAccess {
  const caller = tiledbCaller(c);
  if (namespace === caller.username) {
    return { namespace, kind: 'user', role: 'owner' };
  }
  const org = c.var.mock.store.collection<OrganizationRecord>(ORGANIZATIONS).get(namespace);
  const role = org?.members[caller.username];
  if (!org || !role) throw namespaceNotFound(namespace);
  if (!ROLE_PERMISSIONS[role].includes(permission)) {
    throw forbidden(
      `Your role "${role}" in organization "${namespace}" does not allow ${permission} access`,
    );
  }
  return { namespace, kind: 'organization', role, organization: org };
}

/** The one refusal for "no such namespace" and "not yours": identical by design. */
export function namespaceNotFound(namespace: string) {
  return notFound(`Namespace "${namespace}" was not found, or you do not have access to it`);
}

/** Whether a role grants a permission (for routes that list or filter). */
export function roleAllows(role: OrganizationRole, permission: NamespacePermission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}

/** Looks a user up by username. */
export function findUser(c: MockContext, username: string): UserRecord | undefined {
  return c.var.mock.store.collection<UserRecord>(USERS).get(username);
}

/** Looks a service client up by ID. */
export function findServiceClient(c: MockContext, clientId: string) {
  return c.var.mock.store.collection<ServiceClientRecord>(SERVICE_CLIENTS).get(clientId);
}
