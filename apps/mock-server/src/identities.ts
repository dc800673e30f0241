/**
 * Users, organizations (with members and roles) and Authress service clients: the
 * records behind authentication and authorization. They live in the store like any
 * domain's state (collections below), so they persist, reset and show in
 * `/__admin/state` the same way.
 */
import { randomUUID } from 'node:crypto';
import * as v from 'valibot';
import {
  AccessKeyError,
  type Ed25519PublicJwk,
  generateAccessKey,
  parseAccessKey,
  parsePublicKey,
} from './authress-keys.js';
import { describeIssue } from './issues.js';
import type { StateData } from './store.js';

export const USERS = 'users';
export const ORGANIZATIONS = 'organizations';
export const SERVICE_CLIENTS = 'authress_service_clients';
/** The server's own keys (the Authress user-token signing key), under key `user-tokens`. */
export const SERVER_KEYS = 'server_keys';

/** Organization roles, most to least powerful (`read_write_delete` is TileDB's own). */
export const ORGANIZATION_ROLES = [
  'owner',
  'admin',
  'read_write_delete',
  'read_write',
  'read_only',
] as const;
export type OrganizationRole = (typeof ORGANIZATION_ROLES)[number];

export interface UserRecord {
  id: string;
  username: string;
  email: string;
  name?: string;
  password?: string;
  apiKeys: string[];
  /** May use `/__admin` from a non-loopback address. */
  admin?: boolean;
  created_at: string;
}

export interface OrganizationRecord {
  id: string;
  name: string;
  description?: string;
  logo?: string;
  created_at: string;
  updated_at: string;
  /** username -> role */
  members: Record<string, OrganizationRole>;
}

export interface ServiceClientRecord {
  clientId: string;
  name?: string;
  keyId: string;
  accountId: string;
  publicJwk: Ed25519PublicJwk;
  /** Kept only so startup can print it; never served. */
  accessKey?: string;
}

const NamespaceName = v.pipe(
  v.string(),
  v.minLength(1, 'must not be empty'),
  v.maxLength(63, 'must be at most 63 characters'),
  v.regex(/^[\w.-]+$/, 'may contain only letters, digits, "_", "." and "-"'),
);

const SeedUserSchema = v.strictObject({
  username: NamespaceName,
  email: v.pipe(v.string(), v.email('must be an email address')),
  name: v.optional(v.string()),
  password: v.optional(v.pipe(v.string(), v.minLength(1, 'must not be empty'))),
  apiKeys: v.optional(
    v.array(v.pipe(v.string(), v.minLength(8, 'must be at least 8 characters'))),
    [],
  ),
  admin: v.optional(v.boolean()),
});

const SeedOrganizationSchema = v.strictObject({
  name: NamespaceName,
  description: v.optional(v.string()),
  logo: v.optional(v.string()),
  members: v.optional(
    v.array(
      v.strictObject({
        username: NamespaceName,
        role: v.picklist(ORGANIZATION_ROLES, `must be one of ${ORGANIZATION_ROLES.join(', ')}`),
      }),
    ),
    [],
  ),
});

const SeedServiceClientSchema = v.strictObject({
  clientId: v.pipe(v.string(), v.minLength(1), v.regex(/^[^.]+$/, 'must not contain "."')),
  name: v.optional(v.string()),
  accessKey: v.optional(v.string()),
  keyId: v.optional(v.pipe(v.string(), v.minLength(1))),
  accountId: v.optional(v.pipe(v.string(), v.minLength(1))),
  publicKey: v.optional(v.union([v.string(), v.looseObject({ kty: v.string() })])),
});

export const SeedSchema = v.strictObject({
  users: v.optional(v.array(SeedUserSchema), []),
  organizations: v.optional(v.array(SeedOrganizationSchema), []),
  serviceClients: v.optional(v.array(SeedServiceClientSchema), []),
  /** Raw store collections for domain state: `{ collection: { key: value } }`. */
  collections: v.optional(v.record(v.string(), v.record(v.string(), v.unknown())), {}),
});

export type SeedInput = v.InferInput<typeof SeedSchema>;
export type Seed = v.InferOutput<typeof SeedSchema>;

export class SeedError extends Error {
  constructor(
    /** Where the problem is, e.g. `users[1].email`. */
    readonly field: string,
    message: string,
  ) {
    super(field ? `${field}: ${message}` : message);
    this.name = 'SeedError';
  }
}

/** The seed used when none is given. */
export function defaultSeed(): SeedInput {
  return {
    users: [
      {
        username: 'demo',
        email: 'demo@example.com',
        name: 'Demo User',
        password: 'demo-password',
        apiKeys: ['demo-api-key'],
        admin: true,
      },
      {
        username: 'demo-member',
        email: 'demo-member@example.com',
        name: 'Demo Member',
        password: 'demo-member-password',
        apiKeys: ['demo-member-key'],
      },
    ],
    organizations: [
      {
        name: 'demo-org',
        description: 'Organization owned by demo; demo-member reads.',
        members: [
          { username: 'demo', role: 'owner' },
          { username: 'demo-member', role: 'read_only' },
        ],
      },
    ],
    serviceClients: [{ clientId: 'sc_demo', name: 'Demo service client' }],
  };
}

/**
 * Validates a seed and turns it into initial store state. A service client with neither
 * an access key nor a public key gets a freshly generated access key.
 */
export function seedToState(input: unknown, now = new Date()): StateData {
  const parsed = v.safeParse(SeedSchema, input);
  if (!parsed.success) {
    const { field, message } = describeIssue(parsed.issues[0]);
    throw new SeedError(field, message);
  }
  const seed = parsed.output;
  const at = now.toISOString();
  const users: Record<string, UserRecord> = {};
  const apiKeyOwners = new Map<string, string>();
  seed.users.forEach((u, i) => {
    if (users[u.username]) throw new SeedError(`users[${i}].username`, `duplicate "${u.username}"`);
    u.apiKeys.forEach((key, k) => {
      if (apiKeyOwners.has(key)) {
        throw new SeedError(
          `users[${i}].apiKeys[${k}]`,
          'this API key is already used by another user',
        );
      }
      apiKeyOwners.set(key, u.username);
    });
    users[u.username] = {
      id: randomUUID(),
      username: u.username,
      email: u.email,
      ...(u.name === undefined ? {} : { name: u.name }),
      ...(u.password === undefined ? {} : { password: u.password }),
      apiKeys: u.apiKeys,
      ...(u.admin === undefined ? {} : { admin: u.admin }),
      created_at: at,
    };
  });
  const organizations: Record<string, OrganizationRecord> = {};
  seed.organizations.forEach((o, i) => {
    if (organizations[o.name]) {
      throw new SeedError(`organizations[${i}].name`, `duplicate "${o.name}"`);
    }
    if (users[o.name]) {
      throw new SeedError(`organizations[${i}].name`, `"${o.name}" is already a username`);
    }
    const members: Record<string, OrganizationRole> = {};
    o.members.forEach((m, j) => {
      if (!users[m.username]) {
        throw new SeedError(
          `organizations[${i}].members[${j}].username`,
          `no user "${m.username}"`,
        );
      }
      members[m.username] = m.role;
    });
    organizations[o.name] = {
      id: randomUUID(),
      name: o.name,
      ...(o.description === undefined ? {} : { description: o.description }),
      ...(o.logo === undefined ? {} : { logo: o.logo }),
      created_at: at,
      updated_at: at,
      members,
    };
  });
  const clients: Record<string, ServiceClientRecord> = {};
  const keyIds = new Set<string>();
  seed.serviceClients.forEach((c, i) => {
    const at = `serviceClients[${i}]`;
    if (clients[c.clientId]) throw new SeedError(`${at}.clientId`, `duplicate "${c.clientId}"`);
    let record: ServiceClientRecord;
    try {
      if (c.accessKey !== undefined) {
        if (c.publicKey !== undefined) {
          throw new SeedError(`${at}.publicKey`, 'give an accessKey or a publicKey, not both');
        }
        const parsedKey = parseAccessKey(c.accessKey);
        if (parsedKey.clientId !== c.clientId) {
          throw new SeedError(`${at}.accessKey`, `belongs to client "${parsedKey.clientId}"`);
        }
        record = {
          clientId: c.clientId,
          keyId: parsedKey.keyId,
          accountId: parsedKey.accountId,
          publicJwk: parsedKey.publicJwk,
          accessKey: c.accessKey,
        };
      } else if (c.publicKey !== undefined) {
        if (c.keyId === undefined) {
          throw new SeedError(`${at}.keyId`, 'is required with a publicKey');
        }
        record = {
          clientId: c.clientId,
          keyId: c.keyId,
          accountId: c.accountId ?? 'acc-mock',
          publicJwk: parsePublicKey(c.publicKey),
        };
      } else {
        const generated = generateAccessKey({
          clientId: c.clientId,
          ...(c.accountId === undefined ? {} : { accountId: c.accountId }),
          ...(c.keyId === undefined ? {} : { keyId: c.keyId }),
        });
        record = {
          clientId: c.clientId,
          keyId: generated.keyId,
          accountId: generated.accountId,
          publicJwk: { kty: 'OKP', crv: 'Ed25519', x: generated.publicJwk.x },
          accessKey: generated.accessKey,
        };
      }
    } catch (error) {
      if (error instanceof AccessKeyError) {
        const field = c.accessKey !== undefined ? 'accessKey' : 'publicKey';
        throw new SeedError(`${at}.${field}`, error.message);
      }
      throw error;
    }
    if (keyIds.has(record.keyId)) throw new SeedError(`${at}.keyId`, 'duplicate key ID');
    keyIds.add(record.keyId);
    if (c.name !== undefined) record.name = c.name;
    clients[c.clientId] = record;
  });
  for (const name of Object.keys(seed.collections)) {
    if ([USERS, ORGANIZATIONS, SERVICE_CLIENTS, SERVER_KEYS].includes(name)) {
      throw new SeedError(
        `collections.${name}`,
        'is reserved; use users/organizations/serviceClients',
      );
    }
  }
  return {
    ...seed.collections,
    [USERS]: users,
    [ORGANIZATIONS]: organizations,
    [SERVICE_CLIENTS]: clients,
  };
}

/** TileDB `NamespaceActions` each role allows (for `allowed_actions` fields). */
export function allowedActions(role: OrganizationRole): string[] {
  const read = ['read', 'read_array_logs', 'read_job_logs', 'read_object_logs'];
  const write = [...read, 'write', 'create', 'edit', 'run_job'];
  switch (role) {
    case 'read_only':
      return read;
    case 'read_write':
      return write;
    case 'read_write_delete':
      return [...write, 'delete'];
    case 'admin':
      return [...write, 'delete', 'edit_organization'];
    case 'owner':
      return [...write, 'delete', 'edit_organization', 'delete_organization', 'edit_billing'];
  }
}
