import {
  formatIfUnmodifiedSince,
  type GetGroupsQuery,
  GetGroupsQuerySchema,
  type Group,
  type GroupCollection,
  GroupCollectionSchema,
  GroupIdParamSchema,
  type GroupRequest,
  GroupRequestSchema,
  GroupSchema,
  IfUnmodifiedSinceSchema,
  toGroupRequestBody,
} from '@iamkit/core/authress-groups';
import {
  type APIError,
  type AuthStrategy,
  authressAccessKeyAuth,
  bearerAuth,
  type ClientOptions,
  ConfigError,
  ConflictError,
  cursorPaginator,
  type Paginator,
  PreconditionFailedError,
  type RequestSpec,
  Transport,
  validateRequest,
} from '@iamkit/transport';

/** Per-call options every method accepts. */
export type AuthressRequestOptions = Pick<
  RequestSpec<unknown>,
  'signal' | 'timeout' | 'retry' | 'headers'
>;

export interface AuthressGroupsClientOptions extends ClientOptions {
  /**
   * The account's Authress URL: `https://ACCOUNT_ID.api.authress.io` or its custom domain
   * (`https://login.example.com`). Requests go to `<authressApiUrl>/v1/groups`.
   * `baseUrl` is accepted as a synonym.
   */
  authressApiUrl?: string | undefined;
  /**
   * A service-client access key (`clientId.keyId.accountId.privateKey`). The client signs
   * a short-lived EdDSA JWT from it and reuses that token until it nears expiry.
   */
  accessKey?: string | undefined;
  /** A user's access token, or a function that returns a current one (called per attempt). */
  token?: string | (() => string | Promise<string>) | undefined;
}

export interface UpdateGroupOptions extends AuthressRequestOptions {
  /**
   * The `lastUpdated` of the group as you read it. Sent as `If-Unmodified-Since`; if the
   * group has changed since, the update is refused with {@link GroupModifiedError}.
   */
  expectedLastModifiedTime?: Date | string | undefined;
}

export type GetGroupsParams = GetGroupsQuery;
export type ListAllGroupsParams = Omit<GetGroupsQuery, 'cursor'> & {
  /** Start from this cursor instead of the first page. */
  cursor?: string | undefined;
};

/** The response an API error describes, for an error that rewords it. */
function responseOf(cause: APIError) {
  const { status, method, url, headers, body, requestId, authress } = cause;
  return { status, method, url, headers, body, requestId, authress };
}

/**
 * 412 on `updateGroup`: the group changed after the `expectedLastModifiedTime` you sent.
 * Read it again, reapply your change and retry. Still a {@link PreconditionFailedError}.
 */
export class GroupModifiedError extends PreconditionFailedError {
  override readonly name: string = 'GroupModifiedError';
  override readonly code: string = 'group_modified';
  readonly groupId: string;
  /** The `If-Unmodified-Since` value that was sent. */
  readonly expectedLastModifiedTime: string;

  constructor(groupId: string, expectedLastModifiedTime: string, cause: PreconditionFailedError) {
    super({
      ...responseOf(cause),
      message:
        `Group ${groupId} changed since it was read (expected lastUpdated ` +
        `${expectedLastModifiedTime}); read it again, reapply the change and retry` +
        ((cause.attempts ?? 1) > 1
          ? '. This update was retried, so an earlier attempt may be the change that applied'
          : ''),
      cause,
    });
    this.groupId = groupId;
    this.expectedLastModifiedTime = expectedLastModifiedTime;
    this.attempts = cause.attempts;
  }

  protected override details(): Record<string, unknown> {
    return {
      ...super.details(),
      groupId: this.groupId,
      expectedLastModifiedTime: this.expectedLastModifiedTime,
    };
  }
}

const ids = (list: readonly { userId: string }[]) => list.map((u) => u.userId).join('\n');
const tagsOf = (tags: Record<string, string> | null | undefined) =>
  JSON.stringify(Object.entries(tags ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

/** Whether the stored group has the content a create sent (name, users, admins, tags). */
function holdsWhatWasSent(stored: Group, sent: Omit<GroupRequest, 'lastUpdated' | 'links'>) {
  return (
    stored.groupId === sent.groupId &&
    stored.name === sent.name &&
    ids(stored.users) === ids(sent.users) &&
    ids(stored.admins) === ids(sent.admins) &&
    tagsOf(stored.tags) === tagsOf(sent.tags)
  );
}

/** The 409 of a retried create, saying that an earlier attempt may be what created the group. */
function retriedCreateConflict(groupId: string, cause: ConflictError, read: boolean) {
  const error = new ConflictError({
    ...responseOf(cause),
    message:
      `${cause.message}. This create was retried (${cause.attempts} attempts), so an earlier ` +
      `attempt may have created group ${groupId} and lost its response; ` +
      (read
        ? 'the group now stored differs from what was sent (another caller may have created or changed it)'
        : 'it could not be read back to check') +
      `. Read it with getGroup('${groupId}') before creating it again`,
    cause,
  });
  error.attempts = cause.attempts;
  return error;
}

const GROUPS = '/v1/groups';
const GROUP = '/v1/groups/{groupId}';

function authFrom(
  options: AuthressGroupsClientOptions,
  baseUrl: string | undefined,
): AuthStrategy | undefined {
  const given = [
    options.auth && 'auth',
    options.accessKey !== undefined && 'accessKey',
    options.token !== undefined && 'token',
  ].filter(Boolean);
  if (given.length > 1) {
    throw new ConfigError(
      `Pass only one of auth, accessKey and token (got ${given.join(' and ')})`,
    );
  }
  if (options.auth) return options.auth;
  if (options.accessKey !== undefined) {
    if (!baseUrl)
      throw new ConfigError('accessKey needs authressApiUrl, the URL tokens are issued for');
    return authressAccessKeyAuth(options.accessKey, { authressApiUrl: baseUrl });
  }
  if (options.token !== undefined) return bearerAuth(options.token);
  return undefined;
}

/**
 * Authress Groups: create, read, list, replace and delete groups of users.
 *
 * ```ts
 * const authress = new AuthressGroupsClient({ authressApiUrl, accessKey });
 * const group = await authress.createGroup({ name: 'Editors', users: [], admins: [] });
 * ```
 */
export class AuthressGroupsClient {
  readonly transport: Transport;

  constructor(options: AuthressGroupsClientOptions = {}) {
    const { authressApiUrl, accessKey: _a, token: _t, transport, ...rest } = options;
    if (
      authressApiUrl !== undefined &&
      rest.baseUrl !== undefined &&
      authressApiUrl !== rest.baseUrl
    ) {
      throw new ConfigError('authressApiUrl and baseUrl disagree; pass only authressApiUrl');
    }
    // A bare host such as ACCOUNT_ID.api.authress.io means https, as in the Authress SDKs; the
    // transport reads it so.
    const baseUrl = authressApiUrl ?? rest.baseUrl;
    const auth = authFrom(options, baseUrl);
    if (transport) {
      if (auth || baseUrl) {
        throw new ConfigError(
          'A shared transport already has its URL and credentials; do not also pass authressApiUrl, accessKey, token or auth',
        );
      }
      this.transport = transport;
      return;
    }
    if (!baseUrl) {
      throw new ConfigError(
        'authressApiUrl is required, e.g. https://ACCOUNT_ID.api.authress.io or your custom domain',
      );
    }
    this.transport = new Transport({ ...rest, ...(auth ? { auth } : {}), baseUrl });
  }

  /**
   * Create a group. Pass `groupId` (starting with `grp_`) to choose the id; otherwise the
   * server generates one. Only a create with a chosen `groupId` is retried on a network
   * failure: without one, a lost response could otherwise create the group twice.
   *
   * When a retried create gets 409, an earlier attempt may have created the group and lost
   * its response: the group is read, and returned if it holds what was sent. Otherwise the
   * {@link ConflictError} says that an earlier attempt may have created it.
   */
  async createGroup(group: GroupRequest, options?: AuthressRequestOptions): Promise<Group> {
    const valid = validateRequest(GroupRequestSchema, group, 'group');
    const body = toGroupRequestBody(valid);
    try {
      return await this.transport.request({
        ...options,
        method: 'POST',
        path: GROUPS,
        body,
        responseSchema: GroupSchema,
        idempotent: valid.groupId !== undefined,
      });
    } catch (error) {
      if (
        body.groupId === undefined ||
        !(error instanceof ConflictError) ||
        (error.attempts ?? 1) <= 1
      ) {
        throw error;
      }
      const signal = options?.signal;
      const stored = await this.getGroup(body.groupId, signal ? { signal } : {}).catch(
        (readError: unknown) => {
          if (signal?.aborted) throw readError;
          return undefined;
        },
      );
      if (stored && holdsWhatWasSent(stored, body)) return stored;
      throw retriedCreateConflict(body.groupId, error, stored !== undefined);
    }
  }

  /** Fetch one group. */
  async getGroup(groupId: string, options?: AuthressRequestOptions): Promise<Group> {
    return this.transport.request({
      ...options,
      method: 'GET',
      path: GROUP,
      params: { groupId: validateRequest(GroupIdParamSchema, groupId, 'groupId') },
      responseSchema: GroupSchema,
    });
  }

  /**
   * One page of groups. Pass `pagination.next.cursor` of a page as `cursor` to get the next;
   * {@link listAllGroups} does that for you.
   */
  async getGroups(
    params: GetGroupsParams = {},
    options?: AuthressRequestOptions,
  ): Promise<GroupCollection> {
    const query = validateRequest(GetGroupsQuerySchema, params, 'params');
    return this.transport.request({
      ...options,
      method: 'GET',
      path: GROUPS,
      query,
      responseSchema: GroupCollectionSchema,
    });
  }

  /**
   * Replace a group. `lastUpdated` and `links` in `group` are ignored, so a group read with
   * {@link getGroup} can be changed and sent back. With `expectedLastModifiedTime` the
   * update only applies if nobody changed the group since; otherwise
   * {@link GroupModifiedError}.
   */
  async updateGroup(
    groupId: string,
    group: GroupRequest,
    options: UpdateGroupOptions = {},
  ): Promise<Group> {
    const { expectedLastModifiedTime, ...requestOptions } = options;
    const id = validateRequest(GroupIdParamSchema, groupId, 'groupId');
    const valid = validateRequest(GroupRequestSchema, group, 'group');
    const since =
      expectedLastModifiedTime === undefined
        ? undefined
        : validateRequest(
            IfUnmodifiedSinceSchema,
            formatIfUnmodifiedSince(expectedLastModifiedTime),
            'expectedLastModifiedTime',
          );
    try {
      return await this.transport.request({
        ...requestOptions,
        method: 'PUT',
        path: GROUP,
        params: { groupId: id },
        body: toGroupRequestBody(valid),
        headers: { ...requestOptions.headers, 'If-Unmodified-Since': since },
        responseSchema: GroupSchema,
        // A conditional PUT is not safely repeatable: if the first attempt applied and its
        // response was lost, a retry would fail with a 412 for our own change. So it is
        // not retried unless the caller asks for it.
        ...(since !== undefined && requestOptions.retry === undefined ? { retry: false } : {}),
      });
    } catch (error) {
      if (since !== undefined && error instanceof PreconditionFailedError) {
        throw new GroupModifiedError(id, since, error);
      }
      throw error;
    }
  }

  /**
   * Delete a group. Users lose any role they held only through it.
   *
   * Not retried: if a delete applied and its response was lost, a retry would report
   * 404 for a delete that succeeded. After a network error, read the group to find out
   * (or call again and take a `NotFoundError` as done, if that fits).
   */
  async deleteGroup(groupId: string, options?: AuthressRequestOptions): Promise<void> {
    await this.transport.request({
      ...options,
      method: 'DELETE',
      path: GROUP,
      params: { groupId: validateRequest(GroupIdParamSchema, groupId, 'groupId') },
      idempotent: false,
    });
  }

  /**
   * Every group, following the cursor from page to page. Iterate it for groups, or call
   * `.pages()` for whole pages.
   *
   * ```ts
   * for await (const group of authress.listAllGroups({ filter: 'edit' })) console.log(group.name);
   * ```
   */
  listAllGroups(
    params: ListAllGroupsParams = {},
    options?: AuthressRequestOptions,
  ): Paginator<Group> {
    const { cursor: start, ...rest } = params;
    // Checked now, so a bad filter fails at the call rather than at the first iteration.
    validateRequest(GetGroupsQuerySchema, params, 'params');
    return cursorPaginator<Group>(
      async (cursor) => {
        const page = await this.getGroups({ ...rest, ...(cursor ? { cursor } : {}) }, options);
        return { items: page.groups, nextCursor: page.pagination?.next?.cursor ?? null };
      },
      start ? { cursor: start } : {},
    );
  }
}
