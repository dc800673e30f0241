import {
  fromMetadataEntries,
  type GROUP_MEMBER_TYPES,
  type GroupContentsChangesRequest,
  GroupContentsChangesRequestSchema,
  type GroupContentsRetrievalRequest,
  GroupContentsRetrievalRequestSchema,
  GroupContentsRetrievalResponseSchema,
  type GroupCreationDetails,
  type GroupCreationRequest,
  GroupCreationRequestSchema,
  type GroupCreationResponse,
  GroupCreationResponseSchema,
  type GroupMember,
  type GroupMetadataRetrievalRequest,
  GroupMetadataRetrievalRequestSchema,
  type GroupMetadataUpdateRequest,
  GroupMetadataUpdateRequestSchema,
  GroupNameSchema,
  GroupNamespaceSchema,
  type GroupRegistrationDetails,
  type GroupRegistrationRequest,
  GroupRegistrationRequestSchema,
  type MetadataChanges,
  MetadataChangesSchema,
  MetadataSchema,
  type MetadataValues,
  type TileDBConfigRequest,
  toMetadataEntries,
  toTileDBConfig,
} from '@iamkit/core/groups';
import { isTileDBUri, parseTileDBUri } from '@iamkit/core/uri';
import {
  type ClientOptions,
  ConfigError,
  DEFAULT_TILEDB_HOST,
  NotFoundError,
  normalizeTileDBHost,
  type RequestSpec,
  RequestValidationError,
  Transport,
  validateRequest,
} from '@iamkit/transport';
import * as v from 'valibot';

const CREDENTIALS_HEADER = 'X-TILEDB-CLOUD-ACCESS-CREDENTIALS-NAME';
const GROUPS = '/v2/groups/{namespace}';
const GROUP = '/v2/groups/{namespace}/{name}';
const GROUP_METADATA = '/v2/groups/{namespace}/{name}/metadata';

/** Per-call options every method accepts. */
export type GroupsRequestOptions = Pick<
  RequestSpec<unknown>,
  'signal' | 'timeout' | 'retry' | 'headers'
>;

/**
 * A group, as a `tiledb://namespace/name` URI or as its parts. `name` may also be the
 * group's UUID.
 */
export type GroupRef = string | { namespace: string; name: string };

/**
 * TileDB config for the embedded library: a plain `{ key: value }` object, or the wire's
 * `{ entries: [{ key, value }] }`.
 */
export type TileDBConfigInput = Record<string, string> | TileDBConfigRequest;

export interface WithConfig {
  config?: TileDBConfigInput | undefined;
}

export interface WithCredentialsName {
  /**
   * Registered access credentials to use for the storage, by name. Sent as the
   * `X-TILEDB-CLOUD-ACCESS-CREDENTIALS-NAME` header.
   */
  credentialsName?: string | undefined;
}

export type CreateGroupOptions = Omit<GroupCreationDetails, 'name'> &
  WithConfig &
  WithCredentialsName &
  GroupsRequestOptions;

export type RegisterGroupOptions = Omit<GroupRegistrationDetails, 'name' | 'uri'> & {
  /** Where the group's storage already is, e.g. `s3://bucket/path/group`. */
  uri: string;
} & WithConfig &
  WithCredentialsName &
  GroupsRequestOptions;

export type RetrieveGroupOptions = WithConfig & WithCredentialsName & GroupsRequestOptions;

/** A member to add: where it lives, what it is, and optionally the name to show. */
export interface GroupMemberToAdd {
  uri: string;
  type: (typeof GROUP_MEMBER_TYPES)[number];
  name?: string | undefined;
}

export interface GroupContentsChanges {
  members_to_add?: GroupMemberToAdd[] | undefined;
  /** Members to remove, each by URI (`tiledb://` or storage) or by name. */
  members_to_remove?: string[] | undefined;
}

export type UpdateGroupContentsOptions = WithConfig & WithCredentialsName & GroupsRequestOptions;
export type MembersOptions = UpdateGroupContentsOptions;
export type GroupMetadataOptions = WithConfig & GroupsRequestOptions;

export interface DeregisterGroupOptions extends WithCredentialsName, GroupsRequestOptions {
  /** Also deregister every subgroup and array inside, all the way down. */
  recursive?: boolean | undefined;
}

export type GroupExistsOptions = WithCredentialsName & GroupsRequestOptions;

/** What {@link GroupsClient.retrieveGroup} returns: members, and metadata as a plain object. */
export interface GroupContents {
  members: GroupMember[];
  metadata: MetadataValues;
}

const GroupAddressSchema = v.strictObject({
  namespace: GroupNamespaceSchema,
  name: GroupNameSchema,
});

const CredentialsNameSchema = v.optional(
  v.pipe(
    v.string('credentialsName must be a string'),
    v.minLength(1, 'credentialsName must not be empty'),
  ),
);

type Address = { namespace: string; name: string };

function refError(value: unknown, cause?: unknown): RequestValidationError {
  const shown = typeof value === 'string' ? JSON.stringify(value) : typeof value;
  const message =
    cause instanceof Error
      ? cause.message
      : `Expected a tiledb://namespace/name URI, { namespace, name }, or a namespace and a name; got ${shown}`;
  return new RequestValidationError('group', [{ path: 'group', message }], { message, cause });
}

/**
 * Splits a call's arguments, `(namespace, name, ...payload, options?)` or
 * `(group, ...payload, options?)`, where `group` is a `tiledb://` URI or
 * `{ namespace, name }`. A namespace never contains "://", so the forms cannot be confused.
 */
function parseArgs<O>(args: readonly unknown[], payloadCount = 0) {
  const [first, second] = args;
  let address: Address;
  let rest: readonly unknown[];
  if (typeof first === 'string' && isTileDBUri(first)) {
    try {
      address = parseTileDBUri(first);
    } catch (error) {
      throw refError(first, error);
    }
    rest = args.slice(1);
  } else if (first !== null && typeof first === 'object') {
    const ref = first as Address;
    address = { namespace: ref.namespace, name: ref.name };
    rest = args.slice(1);
  } else {
    if (typeof first !== 'string' || second === undefined) throw refError(first);
    if (typeof second !== 'string') {
      const message = `name must be a string (the group in namespace ${JSON.stringify(first)}); got ${second === null ? 'null' : typeof second}`;
      throw new RequestValidationError('name', [{ path: 'name', message }], { message });
    }
    address = { namespace: first, name: second };
    rest = args.slice(2);
  }
  return {
    address: validateRequest(GroupAddressSchema, address),
    payload: rest.slice(0, payloadCount),
    options: (rest[payloadCount] ?? {}) as O,
  };
}

/**
 * The API takes the parent as a name or UUID in the group's own namespace; a
 * `tiledb://namespace/name` URI is accepted too, and one in another namespace is refused.
 */
function parentName(parent: string, namespace: string): string {
  if (!isTileDBUri(parent)) return parent;
  const ref = parseTileDBUri(parent);
  if (ref.namespace !== namespace) {
    const message = `the parent must be in the group's namespace "${namespace}", not "${ref.namespace}"`;
    throw new RequestValidationError('group_details.parent', [
      { path: 'group_details.parent', message },
    ]);
  }
  return ref.name;
}

/**
 * Splits a call's options into the request body's own fields, its `config` in the wire's
 * form, and the per-call transport options. `credentialsName` becomes its header only
 * where the operation takes it (the metadata operations do not).
 */
function splitOptions<T extends WithConfig & WithCredentialsName & GroupsRequestOptions>(
  options: T,
  { credentials = true } = {},
) {
  const { config, credentialsName, signal, timeout, retry, headers, ...fields } = options;
  const name = credentials
    ? validateRequest(CredentialsNameSchema, credentialsName, 'credentialsName')
    : undefined;
  const request: GroupsRequestOptions = {
    signal,
    timeout,
    retry,
    headers: name === undefined ? headers : { ...headers, [CREDENTIALS_HEADER]: name },
  };
  return { fields, config: config === undefined ? undefined : toTileDBConfig(config), request };
}

/**
 * TileDB Cloud groups (API v2): create and register groups, list and change their members,
 * read and write their metadata, deregister them.
 *
 * Every method that takes a group accepts `('namespace', 'name')`, a
 * `'tiledb://namespace/name'` URI, or `{ namespace, name }`; `name` may be the group's
 * UUID.
 *
 * ```ts
 * const groups = new GroupsClient({ auth: apiKeyAuth(process.env.TILEDB_REST_TOKEN!) });
 * const { tiledb_uri } = await groups.createGroup('acme', 'genomics', { tags: ['bio'] });
 * ```
 */
export class GroupsClient {
  readonly transport: Transport;

  constructor(options: ClientOptions = {}) {
    const { transport, ...rest } = options;
    if (transport) {
      if (rest.auth || rest.baseUrl !== undefined) {
        throw new ConfigError(
          'A shared transport already has its URL and credentials; do not also pass baseUrl or auth',
        );
      }
      this.transport = transport;
      return;
    }
    // `api.tiledb.com` gets its https://; a host ending in /v2 is refused, since every
    // operation carries its own version prefix.
    const baseUrl = normalizeTileDBHost(rest.baseUrl ?? DEFAULT_TILEDB_HOST);
    this.transport = new Transport({ ...rest, baseUrl });
  }

  /**
   * Creates an empty group in `namespace` and returns its UUID (`id`), `name` and
   * `tiledb_uri`. Pass `uri` to choose where its storage goes. A name already taken in
   * the namespace is a `ConflictError`. Not retried on a network failure, since the first
   * attempt may have created the group.
   */
  createGroup(
    namespace: string,
    name: string,
    options?: CreateGroupOptions,
  ): Promise<GroupCreationResponse>;
  createGroup(
    group: Exclude<GroupRef, string> | string,
    options?: CreateGroupOptions,
  ): Promise<GroupCreationResponse>;
  async createGroup(...args: unknown[]): Promise<GroupCreationResponse> {
    const { address, options } = parseArgs<CreateGroupOptions>(args);
    const { fields, config, request } = splitOptions(options);
    const body: GroupCreationRequest = { config, group_details: { ...fields, name: address.name } };
    return this.transport.request({
      ...request,
      method: 'POST',
      path: GROUPS,
      params: { namespace: address.namespace },
      body,
      bodySchema: GroupCreationRequestSchema,
      responseSchema: GroupCreationResponseSchema,
    });
  }

  /**
   * Registers a group whose storage already exists at `uri`, optionally under a `parent`
   * group (its name or UUID). The group is then addressable as `tiledb://namespace/name`.
   * Like `createGroup`, never retried: a name already taken is a `ConflictError`.
   */
  registerGroup(namespace: string, name: string, options: RegisterGroupOptions): Promise<void>;
  registerGroup(group: GroupRef, options: RegisterGroupOptions): Promise<void>;
  async registerGroup(...args: unknown[]): Promise<void> {
    const { address, options } = parseArgs<RegisterGroupOptions>(args);
    if ((options as Partial<RegisterGroupOptions>).uri === undefined) {
      const message = 'uri is required: where the group storage already is, e.g. s3://bucket/group';
      throw new RequestValidationError(
        'group_details.uri',
        [{ path: 'group_details.uri', message }],
        {
          message,
        },
      );
    }
    const { fields, config, request } = splitOptions(options);
    if (fields.parent !== undefined) fields.parent = parentName(fields.parent, address.namespace);
    const body: GroupRegistrationRequest = {
      config,
      group_details: { ...fields, name: address.name },
    };
    await this.transport.request({
      ...request,
      method: 'PUT',
      path: GROUPS,
      params: { namespace: address.namespace },
      body,
      bodySchema: GroupRegistrationRequestSchema,
      // A PUT, but it creates: a retry after a lost response would be refused as a duplicate.
      idempotent: false,
    });
  }

  /** Returns the group's members and its metadata as a plain `{ key: value }` object. */
  retrieveGroup(
    namespace: string,
    name: string,
    options?: RetrieveGroupOptions,
  ): Promise<GroupContents>;
  retrieveGroup(group: GroupRef, options?: RetrieveGroupOptions): Promise<GroupContents>;
  async retrieveGroup(...args: unknown[]): Promise<GroupContents> {
    const { address, options } = parseArgs<RetrieveGroupOptions>(args);
    const { config, request } = splitOptions(options);
    const body: GroupContentsRetrievalRequest = { config };
    const contents = await this.transport.request({
      ...request,
      method: 'POST',
      path: GROUP,
      params: address,
      body,
      bodySchema: GroupContentsRetrievalRequestSchema,
      responseSchema: GroupContentsRetrievalResponseSchema,
      idempotent: true,
    });
    return {
      members: contents.members ?? [],
      metadata: fromMetadataEntries(contents.metadata?.entries),
    };
  }

  /**
   * Adds and removes members in one request. Adding a member that is already there, or
   * removing one that is not, is a `BadRequestError` and changes nothing.
   */
  updateGroupContents(
    namespace: string,
    name: string,
    changes: GroupContentsChanges,
    options?: UpdateGroupContentsOptions,
  ): Promise<void>;
  updateGroupContents(
    group: GroupRef,
    changes: GroupContentsChanges,
    options?: UpdateGroupContentsOptions,
  ): Promise<void>;
  async updateGroupContents(...args: unknown[]): Promise<void> {
    const { address, payload, options } = parseArgs<UpdateGroupContentsOptions>(args, 1);
    await this.#changeContents(address, payload[0] as GroupContentsChanges | undefined, options);
  }

  /** Adds one member or several: `{ uri, type: 'ARRAY' | 'GROUP', name? }`. */
  addMembers(
    namespace: string,
    name: string,
    members: GroupMemberToAdd | GroupMemberToAdd[],
    options?: MembersOptions,
  ): Promise<void>;
  addMembers(
    group: GroupRef,
    members: GroupMemberToAdd | GroupMemberToAdd[],
    options?: MembersOptions,
  ): Promise<void>;
  async addMembers(...args: unknown[]): Promise<void> {
    const { address, payload, options } = parseArgs<MembersOptions>(args, 1);
    await this.#changeContents(
      address,
      { members_to_add: [payload[0]].flat() as GroupMemberToAdd[] },
      options,
    );
  }

  /** Removes one member or several, each by URI (`tiledb://` or storage) or by name. */
  removeMembers(
    namespace: string,
    name: string,
    members: string | string[],
    options?: MembersOptions,
  ): Promise<void>;
  removeMembers(
    group: GroupRef,
    members: string | string[],
    options?: MembersOptions,
  ): Promise<void>;
  async removeMembers(...args: unknown[]): Promise<void> {
    const { address, payload, options } = parseArgs<MembersOptions>(args, 1);
    await this.#changeContents(
      address,
      { members_to_remove: [payload[0]].flat() as string[] },
      options,
    );
  }

  async #changeContents(
    address: Address,
    changes: GroupContentsChanges | undefined,
    options: UpdateGroupContentsOptions,
  ): Promise<void> {
    const { config, request } = splitOptions(options);
    const body: GroupContentsChangesRequest = {
      config,
      group_changes: changes as GroupContentsChangesRequest['group_changes'],
    };
    await this.transport.request({
      ...request,
      method: 'PATCH',
      path: GROUP,
      params: address,
      body,
      bodySchema: GroupContentsChangesRequestSchema,
    });
  }

  /** Returns the group's metadata as a plain `{ key: value }` object. */
  getGroupMetadata(
    namespace: string,
    name: string,
    options?: GroupMetadataOptions,
  ): Promise<MetadataValues>;
  getGroupMetadata(group: GroupRef, options?: GroupMetadataOptions): Promise<MetadataValues>;
  async getGroupMetadata(...args: unknown[]): Promise<MetadataValues> {
    const { address, options } = parseArgs<GroupMetadataOptions>(args);
    const { config, request } = splitOptions(options, { credentials: false });
    const body: GroupMetadataRetrievalRequest = { config };
    const metadata = await this.transport.request({
      ...request,
      method: 'POST',
      path: GROUP_METADATA,
      params: address,
      body,
      bodySchema: GroupMetadataRetrievalRequestSchema,
      responseSchema: MetadataSchema,
      idempotent: true,
    });
    return fromMetadataEntries(metadata.entries);
  }

  /**
   * Merges `changes` into the group's metadata: a value sets its key, `null` deletes it,
   * keys not named stay as they are. Strings are stored as `STRING_UTF8`, booleans as
   * `BOOL`, integers as `INT64`, other numbers as `FLOAT64`, `Uint8Array` as `BLOB`.
   */
  updateGroupMetadata(
    namespace: string,
    name: string,
    changes: MetadataChanges,
    options?: GroupMetadataOptions,
  ): Promise<void>;
  updateGroupMetadata(
    group: GroupRef,
    changes: MetadataChanges,
    options?: GroupMetadataOptions,
  ): Promise<void>;
  async updateGroupMetadata(...args: unknown[]): Promise<void> {
    const { address, payload, options } = parseArgs<GroupMetadataOptions>(args, 1);
    const valid = validateRequest(MetadataChangesSchema, payload[0], 'metadata');
    const { config, request } = splitOptions(options, { credentials: false });
    const body: GroupMetadataUpdateRequest = {
      config,
      metadata: { entries: toMetadataEntries(valid) },
    };
    await this.transport.request({
      ...request,
      method: 'PUT',
      path: GROUP_METADATA,
      params: address,
      body,
      bodySchema: GroupMetadataUpdateRequestSchema,
    });
  }

  /**
   * Deregisters the group; its storage is left alone. With `recursive: true`, every
   * subgroup and array inside is deregistered too. Never retried on a network failure:
   * if the first attempt went through and only its answer was lost, a repeat would fail
   * with `NotFoundError` for a group this very call deregistered.
   */
  deregisterGroup(namespace: string, name: string, options?: DeregisterGroupOptions): Promise<void>;
  deregisterGroup(group: GroupRef, options?: DeregisterGroupOptions): Promise<void>;
  async deregisterGroup(...args: unknown[]): Promise<void> {
    const { address, options } = parseArgs<DeregisterGroupOptions>(args);
    const recursive = validateRequest(
      v.optional(v.boolean('recursive must be a boolean')),
      options.recursive,
      'recursive',
    );
    await this.transport.request({
      ...splitOptions(options).request,
      method: 'DELETE',
      path: GROUP,
      params: address,
      // The server reads the flag as a string; only a lowercase `true` turns it on.
      query: { recursive: recursive ? 'true' : undefined },
      // A DELETE, but not repeatable: after a lost response a retry would get a 404.
      idempotent: false,
    });
  }

  /**
   * True when the group exists and the caller may see it, false on a 404. Any other
   * failure (authentication, permission, network) throws.
   */
  groupExists(namespace: string, name: string, options?: GroupExistsOptions): Promise<boolean>;
  groupExists(group: GroupRef, options?: GroupExistsOptions): Promise<boolean>;
  async groupExists(...args: unknown[]): Promise<boolean> {
    const { address, options } = parseArgs<GroupExistsOptions>(args);
    try {
      await this.transport.request({
        ...splitOptions(options).request,
        method: 'OPTIONS',
        path: GROUP,
        params: address,
      });
      return true;
    } catch (error) {
      if (error instanceof NotFoundError) return false;
      throw error;
    }
  }
}
