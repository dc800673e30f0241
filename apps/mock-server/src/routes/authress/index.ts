/**
 * Authress, under `/authress`: the five Groups operations with the real service's
 * semantics, and the token endpoints that make its bearer JWTs verifiable by anyone
 * (user-token minting and the JWKS documents).
 */
import {
  GROUP_MAX_SERIALIZED_BYTES,
  GROUPS_FILTER_MAX_LENGTH,
  GROUPS_PAGE_MAX_LIMIT,
  GroupCollectionSchema,
  type GroupRequest,
  GroupRequestFieldsSchema,
  GroupSchema,
  groupSerializedSize,
  IfUnmodifiedSinceSchema,
  ResponseErrorSchema,
  USER_ID_MAX_LENGTH,
  USER_ID_PATTERN,
} from '@iamkit/core';
import * as v from 'valibot';
import {
  ApiError,
  authressCaller,
  badRequest,
  conflict,
  defineRoutes,
  forbidden,
  json,
  type MockContext,
  noContent,
  notFound,
  preconditionFailed,
  publicUrl,
  SERVICE_CLIENTS,
  type ServiceClientRecord,
  type WriteTx,
} from '../../plugin.js';
import {
  authorizeGroup,
  decodeCursor,
  encodeCursor,
  findGroup,
  GROUPS_COLLECTION,
  GROUPS_META_COLLECTION,
  type GroupRecord,
  groupKey,
  groupNotFound,
  groupsOf,
  groupsOfAccount,
  newGroupId,
  nextLastUpdated,
  pageOf,
  recordFrom,
  SEQUENCE_KEY,
  scopeOf,
  toGroup,
} from './groups.js';

const TAGS = ['authress-groups'];
const GROUPS_PATH = '/authress/v1/groups';
const GROUP_PATH = '/authress/v1/groups/:groupId';
const ERROR = {
  description: 'Error',
  schema: ResponseErrorSchema,
  contentType: 'application/json',
};
const UNAUTHORIZED = { ...ERROR, description: 'The bearer JWT is missing, invalid or expired' };

/** `getGroups` query: values arrive as strings. Unknown parameters are ignored. */
const GetGroupsQuery = v.looseObject({
  limit: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^\d+$/, `limit must be a whole number from 1 to ${GROUPS_PAGE_MAX_LIMIT}`),
      v.transform(Number),
      // The decoded type: /openapi.json documents this part (integer 1-20, default 20).
      v.number(),
      v.integer(`limit must be a whole number from 1 to ${GROUPS_PAGE_MAX_LIMIT}`),
      v.minValue(1, 'limit must be at least 1'),
      v.maxValue(GROUPS_PAGE_MAX_LIMIT, `limit must be at most ${GROUPS_PAGE_MAX_LIMIT}`),
      v.metadata({
        description: 'Maximum number of groups to return.',
        default: GROUPS_PAGE_MAX_LIMIT,
      }),
    ),
  ),
  cursor: v.optional(v.pipe(v.string(), v.minLength(1, 'cursor must not be empty'))),
  filter: v.optional(
    v.pipe(
      v.string(),
      v.minLength(1, 'filter must not be empty'),
      v.maxLength(
        GROUPS_FILTER_MAX_LENGTH,
        `filter must be at most ${GROUPS_FILTER_MAX_LENGTH} characters`,
      ),
    ),
  ),
});

/** `POST /authress/api/authentication`: which user to mint a token for. */
const AuthenticationRequest = v.strictObject({
  userId: v.pipe(
    v.string('userId must be a string'),
    v.minLength(1, 'userId must not be empty'),
    v.maxLength(USER_ID_MAX_LENGTH, `userId must be at most ${USER_ID_MAX_LENGTH} characters`),
    v.regex(
      USER_ID_PATTERN,
      'userId may contain letters, digits, whitespace and + . _ | / ~ : @ -',
    ),
  ),
  /**
   * The account the user belongs to; default the server's default account (the first
   * seeded service client's). Must be the account of a seeded service client.
   */
  accountId: v.optional(
    v.pipe(v.string('accountId must be a string'), v.minLength(1, 'accountId must not be empty')),
  ),
  /** Lifetime in seconds; default one day. Tests use a short one to watch a token expire. */
  expiresInSeconds: v.optional(
    v.pipe(
      v.number('expiresInSeconds must be a number'),
      v.integer('expiresInSeconds must be a whole number'),
      v.minValue(1, 'expiresInSeconds must be at least 1'),
      v.maxValue(7 * 86_400, 'expiresInSeconds must be at most 604800 (7 days)'),
    ),
  ),
});

/**
 * The raw body limit of the group routes: only a guard against abuse. Whether a group is
 * too large (413) is decided on the parsed group by {@link checkGroupSize}, so whitespace,
 * `\u00e9`-style escapes and read-only fields in the body do not count; this is well above
 * any body that carries a group within the limit.
 */
const GROUP_BODY_RAW_LIMIT = 4 * GROUP_MAX_SERIALIZED_BYTES;

/** 413 for a group over the limit, measured as the client measures it. */
function checkGroupSize(body: object): void {
  const size = groupSerializedSize(body);
  if (size > GROUP_MAX_SERIALIZED_BYTES) {
    throw new ApiError(
      413,
      `The group is ${size} bytes as compact JSON without lastUpdated and links; the limit is ${GROUP_MAX_SERIALIZED_BYTES} bytes (~100 KB)`,
    );
  }
}

function nextSequence(tx: WriteTx): number {
  const meta = tx.collection<number>(GROUPS_META_COLLECTION);
  const seq = meta.get(SEQUENCE_KEY) ?? 1;
  meta.set(SEQUENCE_KEY, seq + 1);
  return seq;
}

/** `If-Unmodified-Since` as epoch ms, and whether it carried sub-second precision. */
function ifUnmodifiedSince(c: MockContext): { at: number; precise: boolean } | undefined {
  const header = c.req.header('if-unmodified-since');
  if (header === undefined) return undefined;
  const value = header.trim();
  if (!v.is(IfUnmodifiedSinceSchema, value)) {
    throw badRequest(
      'Invalid If-Unmodified-Since header: expected an ISO 8601 date-time of at most 32 characters, such as 2023-08-23T14:01:12Z',
    );
  }
  return { at: Date.parse(value), precise: /\.\d+/.test(value) };
}

/** Stale when the group changed after the given time, at the precision the caller used. */
function isStale(record: GroupRecord, since: { at: number; precise: boolean }): boolean {
  const last = Date.parse(record.lastUpdated);
  return (since.precise ? last : Math.floor(last / 1000) * 1000) > since.at;
}

function requireServiceClient(c: MockContext, what: string) {
  const caller = authressCaller(c);
  if (caller.kind !== 'service-client') {
    throw forbidden(`User "${caller.userId}" may not ${what}; use a service client token`);
  }
  return caller;
}

export default defineRoutes({
  name: 'authress',
  register(r) {
    // ---------------------------------------------------------------- groups
    r.route({
      method: 'POST',
      path: GROUPS_PATH,
      api: 'authress',
      operationId: 'createGroup',
      summary: 'Create group',
      tags: TAGS,
      // Every rule but the size, which checkGroupSize answers with 413 instead of 400.
      body: GroupRequestFieldsSchema,
      bodyLimit: GROUP_BODY_RAW_LIMIT,
      responses: {
        201: { description: 'Group created', schema: GroupSchema },
        400: ERROR,
        401: UNAUTHORIZED,
        403: ERROR,
        409: ERROR,
        413: ERROR,
      },
      async handler(c, { body }) {
        checkGroupSize(body);
        const caller = requireServiceClient(c, 'create groups');
        const scope = scopeOf(c, caller);
        const now = c.var.mock.now();
        const record = await c.var.mock.store.write((tx) => {
          const groups = tx.collection<GroupRecord>(GROUPS_COLLECTION);
          const taken = (id: string) => findGroup(groups, scope, id) !== undefined;
          let groupId = body.groupId;
          if (groupId !== undefined && taken(groupId)) {
            throw conflict(`Group ${groupId} already exists`);
          }
          while (groupId === undefined || taken(groupId)) groupId = newGroupId();
          const created = recordFrom(
            body,
            scope.accountId,
            groupId,
            nextLastUpdated(now, undefined),
            nextSequence(tx),
          );
          groups.set(groupKey(scope.accountId, groupId), created);
          return created;
        });
        return json(c, toGroup(c, record), 201);
      },
    });

    r.route({
      method: 'GET',
      path: GROUPS_PATH,
      api: 'authress',
      operationId: 'getGroups',
      summary: 'List groups',
      tags: TAGS,
      query: GetGroupsQuery,
      responses: {
        200: { description: 'A page of groups', schema: GroupCollectionSchema },
        400: ERROR,
        401: UNAUTHORIZED,
        403: ERROR,
      },
      handler(c, { query }) {
        const caller = authressCaller(c);
        const limit = query.limit ?? GROUPS_PAGE_MAX_LIMIT;
        const state = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
        if (state && query.filter !== undefined && query.filter !== state.filter) {
          throw badRequest(
            'Invalid query parameter "filter": the cursor was issued for a different filter; start again without a cursor',
            [{ field: 'filter', message: 'differs from the filter the cursor was issued for' }],
          );
        }
        const filter = state ? state.filter : query.filter;
        const { page, more } = pageOf(groupsOfAccount(groupsOf(c), scopeOf(c, caller)), {
          caller,
          after: state?.after ?? 0,
          filter,
          limit,
        });
        const last = page[page.length - 1];
        const cursor =
          more && last
            ? encodeCursor(filter === undefined ? { after: last.seq } : { after: last.seq, filter })
            : undefined;
        const self = new URL(c.req.url);
        const next = new URL(publicUrl(c, GROUPS_PATH));
        if (cursor) {
          next.searchParams.set('cursor', cursor);
          if (query.limit !== undefined) next.searchParams.set('limit', String(limit));
        }
        return json(c, {
          groups: page.map((record) => toGroup(c, record)),
          pagination: { next: cursor ? { cursor } : null },
          links: {
            self: { href: self.toString() },
            next: cursor ? { href: next.toString() } : null,
          },
        });
      },
    });

    r.route({
      method: 'GET',
      path: GROUP_PATH,
      api: 'authress',
      operationId: 'getGroup',
      summary: 'Retrieve group',
      tags: TAGS,
      responses: {
        200: { description: 'The group', schema: GroupSchema },
        401: UNAUTHORIZED,
        403: ERROR,
        404: ERROR,
      },
      handler(c, { params }) {
        const groupId = params['groupId']!;
        const caller = authressCaller(c);
        const found = findGroup(groupsOf(c), scopeOf(c, caller), groupId);
        const record = authorizeGroup(caller, found?.record, groupId, 'read');
        return json(c, toGroup(c, record));
      },
    });

    r.route({
      method: 'PUT',
      path: GROUP_PATH,
      api: 'authress',
      operationId: 'updateGroup',
      summary: 'Update a group',
      tags: TAGS,
      // Every rule but the size, which checkGroupSize answers with 413 instead of 400.
      body: GroupRequestFieldsSchema,
      bodyLimit: GROUP_BODY_RAW_LIMIT,
      headers: {
        'If-Unmodified-Since': {
          description:
            'Update only if the group has not changed since this ISO 8601 date-time (else 412)',
          schema: IfUnmodifiedSinceSchema,
        },
      },
      responses: {
        200: { description: 'Group updated', schema: GroupSchema },
        400: ERROR,
        401: UNAUTHORIZED,
        403: ERROR,
        404: ERROR,
        412: { ...ERROR, description: 'The group changed after If-Unmodified-Since' },
        413: ERROR,
      },
      async handler(c, { body, params }) {
        checkGroupSize(body);
        const caller = authressCaller(c);
        const groupId = params['groupId']!;
        if (body.groupId !== undefined && body.groupId !== groupId) {
          throw badRequest(
            `Invalid "groupId": the body names ${body.groupId} but the path names ${groupId}`,
            [{ field: 'groupId', message: 'does not match the groupId in the path' }],
          );
        }
        const since = ifUnmodifiedSince(c);
        const scope = scopeOf(c, caller);
        const now = c.var.mock.now();
        const record = await c.var.mock.store.write((tx) => {
          const groups = tx.collection<GroupRecord>(GROUPS_COLLECTION);
          const found = findGroup(groups, scope, groupId);
          const current = authorizeGroup(caller, found?.record, groupId, 'write');
          if (since && isStale(current, since)) {
            throw preconditionFailed(
              `Group ${groupId} was modified at ${current.lastUpdated}, after If-Unmodified-Since ${new Date(since.at).toISOString()}`,
            );
          }
          const replaced = recordFrom(
            body as GroupRequest,
            scope.accountId,
            groupId,
            nextLastUpdated(now, current.lastUpdated),
            current.seq,
          );
          // A record from before groups were kept per account moves to its account's key.
          if (found!.key !== groupKey(scope.accountId, groupId)) groups.delete(found!.key);
          groups.set(groupKey(scope.accountId, groupId), replaced);
          return replaced;
        });
        return json(c, toGroup(c, record));
      },
    });

    r.route({
      method: 'DELETE',
      path: GROUP_PATH,
      api: 'authress',
      operationId: 'deleteGroup',
      summary: 'Deletes group',
      tags: TAGS,
      responses: {
        204: { description: 'Group deleted' },
        401: UNAUTHORIZED,
        403: ERROR,
        404: ERROR,
      },
      async handler(c, { params }) {
        const caller = authressCaller(c);
        const groupId = params['groupId']!;
        await c.var.mock.store.write((tx) => {
          const groups = tx.collection<GroupRecord>(GROUPS_COLLECTION);
          const found = findGroup(groups, scopeOf(c, caller), groupId);
          authorizeGroup(caller, found?.record, groupId, 'write');
          if (!found || !groups.delete(found.key)) throw groupNotFound(groupId);
        });
        return noContent(c);
      },
    });

    // ---------------------------------------------------------------- tokens
    r.route({
      method: 'POST',
      path: '/authress/api/authentication',
      api: 'authress',
      operationId: 'authenticate',
      summary: 'Mint a user access token (mock only: no login flow)',
      tags: ['authress-tokens'],
      auth: false,
      body: AuthenticationRequest,
      responses: {
        200: { description: 'A signed user token, verifiable with the account JWKS' },
        400: ERROR,
      },
      async handler(c, { body }) {
        const accountId = body.accountId ?? c.var.mock.authress.accountId;
        const known = c.var.mock.store
          .collection<ServiceClientRecord>(SERVICE_CLIENTS)
          .values()
          .some((sc) => sc.accountId === accountId);
        if (!known && accountId !== c.var.mock.authress.accountId) {
          throw badRequest(
            `Invalid "accountId": no service client is seeded in account ${accountId}`,
            [{ field: 'accountId', message: 'is not the account of a seeded service client' }],
          );
        }
        const { token, expiresAt } = await c.var.mock.authress.mintUserToken(c, {
          userId: body.userId,
          accountId,
          ...(body.expiresInSeconds === undefined
            ? {}
            : { expiresInSeconds: body.expiresInSeconds }),
        });
        return json(c, {
          accessToken: token,
          tokenType: 'Bearer',
          expiresAt: expiresAt.toISOString(),
          userId: body.userId,
          accountId,
        });
      },
    });

    r.route({
      method: 'GET',
      path: '/authress/.well-known/openid-configuration',
      api: 'authress',
      operationId: 'getOpenIdConfiguration',
      summary: 'OpenID configuration of the account (issuer and JWKS location)',
      tags: ['authress-tokens'],
      auth: false,
      responses: { 200: { description: 'OpenID configuration' } },
      handler(c) {
        const issuer = publicUrl(c, '/authress');
        return json(c, {
          issuer,
          jwks_uri: publicUrl(c, '/authress/.well-known/openid-configuration/jwks'),
          id_token_signing_alg_values_supported: ['EdDSA'],
        });
      },
    });

    r.route({
      method: 'GET',
      path: '/authress/.well-known/openid-configuration/jwks',
      api: 'authress',
      operationId: 'getJwks',
      summary: 'Public keys of the account: user tokens and every service client',
      tags: ['authress-tokens'],
      auth: false,
      responses: { 200: { description: 'JWK set' } },
      handler(c) {
        return json(c, c.var.mock.authress.jwks());
      },
    });

    r.route({
      method: 'GET',
      path: '/authress/v1/clients/:clientId/.well-known/openid-configuration/jwks',
      api: 'authress',
      operationId: 'getServiceClientJwks',
      summary: "Public keys of one service client (its tokens' issuer)",
      tags: ['authress-tokens'],
      auth: false,
      responses: { 200: { description: 'JWK set' }, 404: ERROR },
      handler(c, { params }) {
        const clientId = params['clientId']!;
        const client = c.var.mock.authress.findServiceClient(clientId);
        if (!client) throw notFound(`Service client ${clientId} was not found`);
        return json(c, {
          keys: [{ ...client.publicJwk, kid: client.keyId, alg: 'EdDSA', use: 'sig' }],
        });
      },
    });
  },
});
