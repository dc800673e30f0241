/**
 * TileDB Cloud groups, API v2: the eight operations of `GroupsApi`, with the semantics of
 * the real service. A group lives in a namespace (a user's or an organization's) and is
 * addressed by name or UUID; reads need `read` access to the namespace, changes `write`.
 */
import { randomUUID } from 'node:crypto';
import {
  type GroupContentsChangesRequest,
  GroupContentsChangesRequestSchema,
  GroupContentsRetrievalRequestSchema,
  GroupContentsRetrievalResponseSchema,
  GroupCreationRequestSchema,
  GroupCreationResponseSchema,
  GroupMetadataRetrievalRequestSchema,
  GroupMetadataUpdateRequestSchema,
  GroupRegistrationRequestSchema,
  MetadataSchema,
} from '@iamkit/core/groups';
import { TileDBErrorSchema } from '@iamkit/core/tiledb';
import * as v from 'valibot';
import {
  ApiError,
  authorizeNamespace,
  badRequest,
  type Collection,
  conflict,
  defineRoutes,
  forbidden,
  json,
  type MockContext,
  type NamespacePermission,
  noContent,
  notFound,
  tiledbCaller,
} from '../../plugin.js';
import {
  defaultMemberName,
  defaultStorageUri,
  descendants,
  findGroup,
  findMember,
  GROUPS_COLLECTION,
  type GroupRecord,
  groupAliases,
  type MemberRecord,
  type MetadataEntryRecord,
  normalizeUri,
  resolveGroupUri,
  tiledbAliases,
  tiledbUri,
  uriAliases,
  visibleGroups,
} from './records.js';

const NAMESPACE_PATH = '/v2/groups/:group_namespace';
const GROUP_PATH = '/v2/groups/:group_namespace/:group_name';
const METADATA_PATH = '/v2/groups/:group_namespace/:group_name/metadata';
const CREDENTIALS_HEADER = 'X-TILEDB-CLOUD-ACCESS-CREDENTIALS-NAME';
const TAGS = ['groups'];
const ERROR = { description: 'error response', schema: TileDBErrorSchema };
/** The storage-credentials header, on the operations that read it (`credentialsName`). */
const CREDENTIALS_HEADERS = {
  [CREDENTIALS_HEADER]: {
    description:
      'Optional registered storage setting name to use for access to the group storage (must not be empty when sent)',
  },
};

/** `deregisterGroup` query: `recursive` arrives as the string "true" or "false". */
const DeregisterQuery = v.looseObject({
  recursive: v.optional(
    v.pipe(
      v.string(),
      v.picklist(
        ['true', 'false'],
        (issue) => `recursive must be "true" or "false", got ${JSON.stringify(issue.input)}`,
      ),
      v.transform((value) => value === 'true'),
      v.boolean(),
      v.metadata({
        default: false,
        description: 'Also deregister every group beneath it (registered under it or a member)',
      }),
    ),
  ),
});

function groups(c: MockContext): Collection<GroupRecord> {
  return c.var.mock.store.collection<GroupRecord>(GROUPS_COLLECTION);
}

function groupNotFound(namespace: string, name: string): ApiError {
  return notFound(`Group "${name}" was not found in namespace "${namespace}"`);
}

/** The group named in the path, once the caller may act on its namespace. */
function loadGroup(
  c: MockContext,
  permission: NamespacePermission,
  params: Record<string, string>,
) {
  const namespace = params['group_namespace']!;
  const name = params['group_name']!;
  authorizeNamespace(c, namespace, permission);
  const group = findGroup(groups(c), namespace, name);
  if (!group) throw groupNotFound(namespace, name);
  return group;
}

/** The optional storage-credentials header; an empty value is a mistake, not "none". */
function credentialsName(c: MockContext): string | undefined {
  const value = c.req.header(CREDENTIALS_HEADER);
  if (value === undefined) return undefined;
  if (value.trim() === '') throw badRequest(`${CREDENTIALS_HEADER} must not be empty`);
  return value;
}

/** Whether the caller may read `namespace` (no error: the caller decides how to refuse). */
function canRead(c: MockContext, namespace: string): boolean {
  try {
    authorizeNamespace(c, namespace, 'read');
    return true;
  } catch (error) {
    if (error instanceof ApiError) return false;
    throw error;
  }
}

/**
 * The groups the caller may read. Every lookup that could tell the caller something about
 * a group (its name, that it is a group, that it exists) goes through this view, so a
 * group in a namespace the caller cannot read is answered exactly like plain storage.
 */
function readableGroups(c: MockContext, all: Collection<GroupRecord>): Collection<GroupRecord> {
  const readable = new Map<string, boolean>();
  return visibleGroups(all, ({ namespace }) => {
    let allowed = readable.get(namespace);
    if (allowed === undefined) {
      allowed = canRead(c, namespace);
      readable.set(namespace, allowed);
    }
    return allowed;
  });
}

/**
 * A name is taken in a namespace once, and cannot be the UUID of another group there
 * (the address `namespace/<uuid>` must keep reaching that group, and the new group's
 * `tiledb_uri` must reach the new one). Storage belongs to one group among those the
 * caller can read; storage of a group the caller cannot read is not checked, since
 * refusing it would reveal that group.
 */
function refuseTaken(
  c: MockContext,
  all: Collection<GroupRecord>,
  namespace: string,
  name: string,
  uri: string | undefined,
) {
  const siblings = all.values().filter((group) => group.namespace === namespace);
  if (siblings.some((group) => group.name === name)) {
    throw conflict(`A group named "${name}" already exists in namespace "${namespace}"`);
  }
  if (siblings.some((group) => group.id === name)) {
    throw conflict(
      `"${name}" is the id of another group in namespace "${namespace}", so tiledb://${namespace}/${name} would address that group; choose another name`,
    );
  }
  if (uri === undefined) return;
  const owner = resolveGroupUri(readableGroups(c, all), uri);
  if (owner) throw conflict(`Storage ${uri} is already registered as group ${tiledbUri(owner)}`);
}

/** `group_details.uri` says where a group's data lives; a tiledb:// URI names a group instead. */
function storageUri(uri: string): string {
  if (normalizeUri(uri).startsWith('tiledb://')) {
    throw badRequest(
      `group_details.uri must be the group's storage location (such as s3://bucket/path), not the TileDB URI ${uri}`,
      [{ field: 'group_details.uri', message: 'must be a storage URI, not tiledb://' }],
    );
  }
  return uri;
}

function requireName(name: string | undefined): string {
  if (name === undefined) {
    throw badRequest('group_details.name is required', [
      { field: 'group_details.name', message: 'is required' },
    ]);
  }
  return name;
}

/** Applies removals then additions to a copy of `group.members`, refusing anything unclear. */
function changedMembers(
  c: MockContext,
  all: Collection<GroupRecord>,
  group: GroupRecord,
  changes: NonNullable<GroupContentsChangesRequest['group_changes']>,
): MemberRecord[] {
  // Only groups the caller can read are resolved: any other URI is taken as plain storage.
  const seen = readableGroups(c, all);
  let members = [...group.members];
  (changes.members_to_remove ?? []).forEach((uriOrName, index) => {
    const member = findMember(seen, members, uriOrName);
    if (!member) {
      throw badRequest(
        `group_changes.members_to_remove[${index}]: "${uriOrName}" is not a member of group ${tiledbUri(group)}`,
      );
    }
    members = members.filter((candidate) => candidate !== member);
  });
  const ownAliases = new Set(groupAliases(group));
  (changes.members_to_add ?? []).forEach((toAdd, index) => {
    const field = `group_changes.members_to_add[${index}]`;
    const uri = toAdd.uri!;
    const type = toAdd.type!;
    const aliases = uriAliases(seen, uri);
    if ([...aliases].some((alias) => ownAliases.has(alias))) {
      throw badRequest(`${field}: a group cannot be a member of itself`);
    }
    const target = resolveGroupUri(seen, uri);
    if (target && type !== 'GROUP') {
      throw badRequest(`${field}: ${uri} is a group; add it with type GROUP, not ${type}`);
    }
    // A tiledb:// GROUP member must be a group the caller can see. One answer whether it is
    // missing or in a namespace the caller cannot read, so nothing leaks. Arrays (the mock
    // keeps none) and storage URIs (unregistered storage cannot be checked) are taken as given.
    if (type === 'GROUP' && normalizeUri(uri).startsWith('tiledb://')) {
      if (!target) {
        throw badRequest(`${field}.uri: ${uri} is not a group, or you do not have access to it`, [
          { field: `${field}.uri`, message: 'is not a group you can read' },
        ]);
      }
    }
    const name = toAdd.name ?? defaultMemberName(seen, uri);
    const same = members.find((member) =>
      [...uriAliases(seen, member.uri)].some((alias) => aliases.has(alias)),
    );
    if (same) {
      throw badRequest(
        `${field}: ${uri} is already a member of group ${tiledbUri(group)} (as "${same.name}")`,
      );
    }
    if (members.some((member) => member.name === name)) {
      throw badRequest(
        `${field}: group ${tiledbUri(group)} already has a member named "${name}"; give this one another name`,
      );
    }
    members.push({ name, uri, type });
  });
  return members;
}

/** The group as the write transaction sees it (a concurrent deregister may have won). */
function current(all: Collection<GroupRecord>, id: string, params: Record<string, string>) {
  const group = all.get(id);
  if (!group) throw groupNotFound(params['group_namespace']!, params['group_name']!);
  return group;
}

function mergedMetadata(
  current: readonly MetadataEntryRecord[],
  entries: ReadonlyArray<{
    key?: string | undefined;
    type?: string | undefined;
    valueNum?: number | undefined;
    value?: unknown;
    del?: boolean | undefined;
  }>,
): MetadataEntryRecord[] {
  const byKey = new Map(current.map((entry) => [entry.key, entry]));
  for (const entry of entries) {
    const key = entry.key!;
    if (entry.del === true) {
      byKey.delete(key);
      continue;
    }
    const stored: MetadataEntryRecord = { key, value: entry.value };
    if (entry.type !== undefined) stored.type = entry.type;
    if (entry.valueNum !== undefined) stored.valueNum = entry.valueNum;
    byKey.set(key, stored);
  }
  return [...byKey.values()];
}

/** A group as create and register first store it: no members, no metadata. */
function newGroupRecord(
  c: MockContext,
  details: {
    [K in
      | 'name'
      | 'uri'
      | 'description'
      | 'logo'
      | 'license_id'
      | 'license_text'
      | 'region'
      | 'access_credentials_name']?: string | undefined;
  } & { tags?: string[] | undefined },
  fields: Pick<GroupRecord, 'id' | 'namespace' | 'name' | 'uri' | 'origin'> & {
    credentials: string | undefined;
  },
): GroupRecord {
  const { credentials, ...identity } = fields;
  const now = c.var.mock.now().toISOString();
  const record: GroupRecord = {
    ...details,
    ...identity,
    tags: details.tags ?? [],
    members: [],
    metadata: [],
    created_by: tiledbCaller(c).username,
    created_at: now,
    updated_at: now,
  };
  if (credentials !== undefined) record.access_credentials_name = credentials;
  return record;
}

export default defineRoutes({
  name: 'groups',
  register(r) {
    r.route({
      method: 'POST',
      path: NAMESPACE_PATH,
      api: 'tiledb',
      operationId: 'createGroup',
      summary: 'Creates an empty group',
      tags: TAGS,
      body: GroupCreationRequestSchema,
      headers: CREDENTIALS_HEADERS,
      responses: {
        201: { description: 'group created successfully', schema: GroupCreationResponseSchema },
        400: ERROR,
        404: ERROR,
        409: ERROR,
      },
      async handler(c, { body, params }) {
        const namespace = params['group_namespace']!;
        authorizeNamespace(c, namespace, 'write');
        const details = body.group_details;
        const name = requireName(details.name);
        const credentials = credentialsName(c);
        const id = randomUUID();
        const record = newGroupRecord(c, details, {
          id,
          namespace,
          name,
          uri:
            details.uri === undefined ? defaultStorageUri(namespace, id) : storageUri(details.uri),
          origin: 'created',
          credentials,
        });
        // Checked inside the write, so two requests cannot both take the name.
        await c.var.mock.store.write((tx) => {
          const all = tx.collection<GroupRecord>(GROUPS_COLLECTION);
          refuseTaken(c, all, namespace, name, details.uri);
          all.set(id, record);
        });
        return json(c, { id, name, tiledb_uri: tiledbUri(record) }, 201);
      },
    });

    r.route({
      method: 'PUT',
      path: NAMESPACE_PATH,
      api: 'tiledb',
      operationId: 'registerGroup',
      summary: 'Registers an already existing group',
      tags: TAGS,
      body: GroupRegistrationRequestSchema,
      headers: CREDENTIALS_HEADERS,
      responses: { 201: { description: 'group registered' }, 400: ERROR, 404: ERROR, 409: ERROR },
      async handler(c, { body, params }) {
        const namespace = params['group_namespace']!;
        authorizeNamespace(c, namespace, 'write');
        const { parent: parentRef, ...details } = body.group_details;
        const name = requireName(details.name);
        if (details.uri === undefined) {
          throw badRequest('group_details.uri is required: the storage URI of the existing group', [
            { field: 'group_details.uri', message: 'is required' },
          ]);
        }
        const uri = storageUri(details.uri);
        const credentials = details.access_credentials_name ?? credentialsName(c);
        const record = newGroupRecord(c, details, {
          id: randomUUID(),
          namespace,
          name,
          uri,
          origin: 'registered',
          credentials,
        });
        await c.var.mock.store.write((tx) => {
          const all = tx.collection<GroupRecord>(GROUPS_COLLECTION);
          refuseTaken(c, all, namespace, name, uri);
          if (parentRef === undefined) {
            all.set(record.id, record);
            return;
          }
          const parent = findGroup(all, namespace, parentRef);
          if (!parent) {
            throw notFound(`Parent group "${parentRef}" was not found in namespace "${namespace}"`);
          }
          if (parent.members.some((member) => member.name === name)) {
            throw conflict(
              `Parent group ${tiledbUri(parent)} already has a member named "${name}"`,
            );
          }
          all.set(record.id, { ...record, parent: parent.id });
          all.set(parent.id, {
            ...parent,
            members: [...parent.members, { name, uri: tiledbUri(record), type: 'GROUP' }],
            updated_at: record.updated_at,
          });
        });
        return noContent(c, 201);
      },
    });

    r.route({
      method: 'POST',
      path: GROUP_PATH,
      api: 'tiledb',
      operationId: 'retrieveGroup',
      summary: 'Retrieves the contents of a group',
      tags: TAGS,
      body: GroupContentsRetrievalRequestSchema,
      bodyRequired: false,
      headers: CREDENTIALS_HEADERS,
      responses: {
        200: { description: 'group contents', schema: GroupContentsRetrievalResponseSchema },
        400: ERROR,
        404: ERROR,
      },
      handler(c, { params }) {
        credentialsName(c);
        const group = loadGroup(c, 'read', params);
        return json(c, {
          members: group.members.map(({ name, uri, type }) => ({ name, uri, type })),
          metadata: { entries: group.metadata },
        });
      },
    });

    r.route({
      method: 'PATCH',
      path: GROUP_PATH,
      api: 'tiledb',
      operationId: 'updateGroupContents',
      summary: 'Change the contents of the group',
      tags: TAGS,
      body: GroupContentsChangesRequestSchema,
      headers: CREDENTIALS_HEADERS,
      responses: { 204: { description: 'contents changed' }, 400: ERROR, 404: ERROR },
      async handler(c, { body, params }) {
        credentialsName(c);
        const { id } = loadGroup(c, 'write', params);
        // Read, check and change inside one write: no concurrent change is lost.
        await c.var.mock.store.write((tx) => {
          const all = tx.collection<GroupRecord>(GROUPS_COLLECTION);
          const group = current(all, id, params);
          const members = changedMembers(c, all, group, body.group_changes ?? {});
          all.set(id, { ...group, members, updated_at: c.var.mock.now().toISOString() });
        });
        return noContent(c, 204);
      },
    });

    r.route({
      method: 'POST',
      path: METADATA_PATH,
      api: 'tiledb',
      operationId: 'getGroupMetadata',
      summary: 'get metadata on a group using the requested config',
      tags: TAGS,
      body: GroupMetadataRetrievalRequestSchema,
      bodyRequired: false,
      responses: { 200: { description: 'group metadata', schema: MetadataSchema }, 404: ERROR },
      handler(c, { params }) {
        const group = loadGroup(c, 'read', params);
        return json(c, { entries: group.metadata });
      },
    });

    r.route({
      method: 'PUT',
      path: METADATA_PATH,
      api: 'tiledb',
      operationId: 'updateGroupMetadata',
      summary: 'update metadata on a group',
      tags: TAGS,
      body: GroupMetadataUpdateRequestSchema,
      responses: { 200: { description: 'metadata updated' }, 400: ERROR, 404: ERROR },
      async handler(c, { body, params }) {
        const { id } = loadGroup(c, 'write', params);
        await c.var.mock.store.write((tx) => {
          const all = tx.collection<GroupRecord>(GROUPS_COLLECTION);
          const group = current(all, id, params);
          const metadata = mergedMetadata(group.metadata, body.metadata.entries ?? []);
          all.set(id, { ...group, metadata, updated_at: c.var.mock.now().toISOString() });
        });
        return noContent(c, 200);
      },
    });

    r.route({
      method: 'DELETE',
      path: GROUP_PATH,
      api: 'tiledb',
      operationId: 'deregisterGroup',
      summary: 'Deregisters a group',
      tags: TAGS,
      query: DeregisterQuery,
      headers: CREDENTIALS_HEADERS,
      responses: {
        200: { description: 'group deregistered' },
        400: ERROR,
        403: ERROR,
        404: ERROR,
      },
      async handler(c, { params, query }) {
        const recursive = query.recursive === true;
        credentialsName(c);
        const { id } = loadGroup(c, 'write', params);
        const now = c.var.mock.now().toISOString();
        // Everything is decided inside the write, so the tree cannot change meanwhile.
        await c.var.mock.store.write((tx) => {
          const all = tx.collection<GroupRecord>(GROUPS_COLLECTION);
          const group = current(all, id, params);
          // The walk stays within the groups the caller can read: a subgroup in a namespace
          // the caller cannot read is neither deregistered nor named (nor walked through).
          const doomed = recursive ? descendants(readableGroups(c, all), group) : [group];
          for (const child of doomed) {
            if (child.id === group.id) continue;
            try {
              authorizeNamespace(c, child.namespace, 'write');
            } catch (error) {
              if (!(error instanceof ApiError)) throw error;
              throw forbidden(
                `Cannot deregister subgroup ${tiledbUri(child)} of ${tiledbUri(group)}: you may not change namespace "${child.namespace}"; nothing was deregistered`,
              );
            }
          }
          const doomedIds = new Set(doomed.map((child) => child.id));
          // A member that names a deregistered group by tiledb:// URI (name or UUID) would
          // dangle: drop it, and parents that pointed at it. A member given by storage URI
          // stays: the storage is left alone, and whether such a member survives must not
          // depend on groups over that storage that the caller cannot see.
          const doomedAliases = new Set(doomed.flatMap((child) => tiledbAliases(child)));
          for (const other of all.values()) {
            if (doomedIds.has(other.id)) continue;
            const members = other.members.filter(
              (member) => !doomedAliases.has(normalizeUri(member.uri)),
            );
            const orphaned = other.parent !== undefined && doomedIds.has(other.parent);
            if (members.length === other.members.length && !orphaned) continue;
            const { parent, ...rest } = other;
            all.set(other.id, {
              ...rest,
              ...(orphaned || parent === undefined ? {} : { parent }),
              members,
              updated_at: now,
            });
          }
          for (const doomedId of doomedIds) all.delete(doomedId);
        });
        return noContent(c, 200);
      },
    });

    r.route({
      method: 'OPTIONS',
      path: GROUP_PATH,
      api: 'tiledb',
      operationId: 'groupExists',
      summary: 'can be used to check if the resource exists',
      tags: TAGS,
      headers: CREDENTIALS_HEADERS,
      responses: {
        204: { description: 'the resource exists' },
        400: ERROR,
        404: { description: 'the resource does not exist' },
      },
      handler(c, { params }) {
        credentialsName(c);
        try {
          loadGroup(c, 'read', params);
        } catch (error) {
          // The probe answers with a status alone, whatever the reason it cannot see the group.
          if (error instanceof ApiError && error.status === 404) return noContent(c, 404);
          throw error;
        }
        return noContent(c, 204);
      },
    });
  },
});
