/**
 * TileDB v2 groups as the mock keeps them: one record per group, keyed by UUID, with its
 * members and metadata entries. Pure functions over a collection view, so handlers can
 * check everything before they write anything.
 */
import type { Collection } from '../../plugin.js';

export const GROUPS_COLLECTION = 'tiledb_groups';

export interface MemberRecord {
  name: string;
  uri: string;
  type: string;
}

export interface MetadataEntryRecord {
  key: string;
  type?: string;
  valueNum?: number;
  value?: unknown;
}

export interface GroupRecord {
  id: string;
  namespace: string;
  name: string;
  /** Storage URI. */
  uri: string;
  description?: string | undefined;
  logo?: string | undefined;
  tags: string[];
  license_id?: string | undefined;
  license_text?: string | undefined;
  region?: string | undefined;
  access_credentials_name?: string | undefined;
  /** UUID of the group it was registered under. */
  parent?: string;
  /** Created here (`create`) or recorded over existing storage (`register`). */
  origin: 'created' | 'registered';
  members: MemberRecord[];
  metadata: MetadataEntryRecord[];
  created_by: string;
  created_at: string;
  updated_at: string;
}

export function tiledbUri(group: Pick<GroupRecord, 'namespace' | 'name'>): string {
  return `tiledb://${group.namespace}/${group.name}`;
}

/** Where a created group's storage goes when the request names none. */
export function defaultStorageUri(namespace: string, id: string): string {
  return `mem://groups/${namespace}/${id}`;
}

/** A group in `namespace` by UUID or by name. */
export function findGroup(
  groups: Collection<GroupRecord>,
  namespace: string,
  nameOrId: string,
): GroupRecord | undefined {
  const byId = groups.get(nameOrId);
  if (byId && byId.namespace === namespace) return byId;
  return groups.values().find((group) => group.namespace === namespace && group.name === nameOrId);
}

/**
 * The groups one caller may see, as a read-only collection: the others are simply not
 * there, so a lookup through it cannot name, type or confirm a group the caller cannot read.
 */
export function visibleGroups(
  groups: Collection<GroupRecord>,
  canSee: (group: GroupRecord) => boolean,
): Collection<GroupRecord> {
  const visible = (group: GroupRecord | undefined) =>
    group !== undefined && canSee(group) ? group : undefined;
  const entries = () => groups.entries().filter(([, group]) => canSee(group));
  return {
    get: (key) => visible(groups.get(key)),
    has: (key) => visible(groups.get(key)) !== undefined,
    keys: () => entries().map(([key]) => key),
    values: () => groups.values().filter(canSee),
    entries,
    get size() {
      return entries().length;
    },
  };
}

/** Lower-case scheme, no trailing slash: `S3://b/p/` and `s3://b/p` are one place. */
export function normalizeUri(uri: string): string {
  const trimmed = uri.length > 1 ? uri.replace(/\/+$/, '') : uri;
  const scheme = trimmed.indexOf('://');
  return scheme === -1 ? trimmed : trimmed.slice(0, scheme).toLowerCase() + trimmed.slice(scheme);
}

/** The group a URI points at, whether `tiledb://namespace/name-or-id` or its storage URI. */
export function resolveGroupUri(
  groups: Collection<GroupRecord>,
  uri: string,
): GroupRecord | undefined {
  const normalized = normalizeUri(uri);
  if (normalized.startsWith('tiledb://')) {
    const rest = normalized.slice('tiledb://'.length);
    const slash = rest.indexOf('/');
    if (slash <= 0) return undefined;
    return findGroup(groups, rest.slice(0, slash), rest.slice(slash + 1));
  }
  return groups.values().find((group) => normalizeUri(group.uri) === normalized);
}

/** The `tiledb://` URIs a group answers to: by name and by UUID. */
export function tiledbAliases(group: GroupRecord): string[] {
  return [tiledbUri(group), `tiledb://${group.namespace}/${group.id}`];
}

/** The URIs a group answers to: its `tiledb://` URIs and its storage URI. */
export function groupAliases(group: GroupRecord): string[] {
  return [...tiledbAliases(group), normalizeUri(group.uri)];
}

/** Every URI that names the same asset as `uri`. */
export function uriAliases(groups: Collection<GroupRecord>, uri: string): Set<string> {
  const aliases = new Set([normalizeUri(uri)]);
  const group = resolveGroupUri(groups, uri);
  if (group) for (const alias of groupAliases(group)) aliases.add(alias);
  return aliases;
}

/** The member a removal names: by URI (any alias of it) or by member name. */
export function findMember(
  groups: Collection<GroupRecord>,
  members: readonly MemberRecord[],
  uriOrName: string,
): MemberRecord | undefined {
  const wanted = uriAliases(groups, uriOrName);
  return (
    members.find((member) => [...uriAliases(groups, member.uri)].some((a) => wanted.has(a))) ??
    members.find((member) => member.name === uriOrName)
  );
}

/** The name a member shows when none is given: the group's name, or the URI's last part. */
export function defaultMemberName(groups: Collection<GroupRecord>, uri: string): string {
  const group = resolveGroupUri(groups, uri);
  if (group) return group.name;
  const path = normalizeUri(uri).replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  return path.slice(path.lastIndexOf('/') + 1) || path;
}

/**
 * The group and every group beneath it: those registered under it and those added to it
 * as members, all the way down (each once, even if the graph has cycles). Through a
 * {@link visibleGroups} view, the walk neither enters nor returns a group the view hides.
 */
export function descendants(groups: Collection<GroupRecord>, root: GroupRecord): GroupRecord[] {
  const seen = new Map<string, GroupRecord>([[root.id, root]]);
  const queue = [root];
  for (let group = queue.shift(); group; group = queue.shift()) {
    const children = [
      ...groups.values().filter((candidate) => candidate.parent === group.id),
      ...group.members
        .filter((member) => member.type === 'GROUP')
        .map((member) => resolveGroupUri(groups, member.uri))
        .filter((child): child is GroupRecord => child !== undefined),
    ];
    for (const child of children) {
      if (seen.has(child.id)) continue;
      seen.set(child.id, child);
      queue.push(child);
    }
  }
  return [...seen.values()];
}
