/**
 * Authress groups state and the rules around it: records, cursors, filtering, visibility.
 * Kept apart from the route table so each rule is written once.
 */
import { randomBytes } from 'node:crypto';
import type { Group, GroupRequest } from '@iamkit/core/authress-groups';
import {
  type AuthressCaller,
  badRequest,
  type Collection,
  forbidden,
  type MockContext,
  notFound,
  publicUrl,
} from '../../plugin.js';

export const GROUPS_COLLECTION = 'authress_groups';
/** One record, `next`: the creation sequence the next group gets. */
export const GROUPS_META_COLLECTION = 'authress_groups_meta';
export const SEQUENCE_KEY = 'sequence';

export interface GroupRecord {
  /**
   * The Authress account the group belongs to. Absent only in records written before
   * groups were kept per account: those belong to the default account (see {@link findGroup}).
   */
  accountId?: string;
  groupId: string;
  name: string;
  users: { userId: string }[];
  admins: { userId: string }[];
  tags?: Record<string, string> | null;
  lastUpdated: string;
  /** Creation order; pages walk it upwards, so inserts and deletes never shift a cursor. */
  seq: number;
}

export function groupsOf(c: MockContext): Collection<GroupRecord> {
  return c.var.mock.store.collection<GroupRecord>(GROUPS_COLLECTION);
}

// ------------------------------------------------------------------ accounts

/**
 * Groups are kept per Authress account: the store key is `[accountId, groupId]`, so the
 * same `groupId` may exist in two accounts and one account never reaches another's.
 */
export function groupKey(accountId: string, groupId: string): string {
  return JSON.stringify([accountId, groupId]);
}

/** Which account's groups a request works on, and which account is the default one. */
export interface AccountScope {
  accountId: string;
  defaultAccountId: string;
}

export function scopeOf(c: MockContext, caller: AuthressCaller): AccountScope {
  return { accountId: caller.accountId, defaultAccountId: c.var.mock.authress.accountId };
}

/** The account a record belongs to (records from before accounts: the default one). */
export function accountOf(record: GroupRecord, scope: AccountScope): string {
  return record.accountId ?? scope.defaultAccountId;
}

/**
 * The account's group `groupId` and the key it is stored under, or undefined. A record
 * written before groups were kept per account sits under its bare `groupId` and is read as
 * the default account's; the next update or delete moves it to its per-account key.
 */
export function findGroup(
  groups: Collection<GroupRecord>,
  scope: AccountScope,
  groupId: string,
): { key: string; record: GroupRecord } | undefined {
  const key = groupKey(scope.accountId, groupId);
  const record = groups.get(key);
  if (record) return { key, record };
  if (scope.accountId !== scope.defaultAccountId) return undefined;
  const legacy = groups.get(groupId);
  return legacy && legacy.accountId === undefined && legacy.groupId === groupId
    ? { key: groupId, record: legacy }
    : undefined;
}

/** Every group of the scope's account. */
export function groupsOfAccount(
  groups: Collection<GroupRecord>,
  scope: AccountScope,
): GroupRecord[] {
  return groups.values().filter((record) => accountOf(record, scope) === scope.accountId);
}

export function newGroupId(): string {
  return `grp_${randomBytes(10).toString('hex')}`;
}

/**
 * A `lastUpdated` strictly after the previous one, so two writes in the same millisecond
 * still differ and `If-Unmodified-Since` always notices the second.
 */
export function nextLastUpdated(now: Date, previous: string | undefined): string {
  const prev = previous === undefined ? Number.NEGATIVE_INFINITY : Date.parse(previous);
  return new Date(Math.max(now.getTime(), prev + 1)).toISOString();
}

/** The stored form of a create/update body (read-only fields dropped, defaults applied). */
export function recordFrom(
  body: GroupRequest,
  accountId: string,
  groupId: string,
  lastUpdated: string,
  seq: number,
): GroupRecord {
  const record: GroupRecord = {
    accountId,
    groupId,
    name: body.name,
    users: body.users.map((u) => ({ userId: u.userId })),
    admins: body.admins.map((u) => ({ userId: u.userId })),
    lastUpdated,
    seq,
  };
  if (body.tags !== undefined) record.tags = body.tags;
  return record;
}

/** The `Group` the API returns for a record. */
export function toGroup(c: MockContext, record: GroupRecord): Group {
  const group: Group = {
    groupId: record.groupId,
    name: record.name,
    lastUpdated: record.lastUpdated,
    users: record.users.map((u) => ({ ...u })),
    admins: record.admins.map((u) => ({ ...u })),
    links: {
      self: { href: publicUrl(c, `/authress/v1/groups/${encodeURIComponent(record.groupId)}`) },
    },
  };
  if (record.tags !== undefined) group.tags = record.tags === null ? null : { ...record.tags };
  return group;
}

// ------------------------------------------------------------------ access

const isIn = (list: { userId: string }[], userId: string) => list.some((u) => u.userId === userId);

/**
 * Only groups of the caller's own account exist for it (callers reach them through
 * {@link findGroup} / {@link groupsOfAccount}). Within the account, service clients manage
 * every group; a user (minted token) sees the groups they belong to or administer, and
 * changes only those they administer.
 */
export function canRead(caller: AuthressCaller, record: GroupRecord): boolean {
  if (caller.kind === 'service-client') return true;
  return isIn(record.users, caller.userId) || isIn(record.admins, caller.userId);
}

/** Throws the API's answer when the caller may not see or change the group. */
export function authorizeGroup(
  caller: AuthressCaller,
  record: GroupRecord | undefined,
  groupId: string,
  access: 'read' | 'write',
): GroupRecord {
  // 404 for "missing" and "not yours at all" alike, as the spec describes.
  if (!record || !canRead(caller, record)) throw groupNotFound(groupId);
  if (access === 'write' && caller.kind === 'user' && !isIn(record.admins, caller.userId)) {
    throw forbidden(
      `User "${caller.userId}" is a member of group ${groupId} but not one of its admins`,
    );
  }
  return record;
}

export function groupNotFound(groupId: string) {
  return notFound(`Group ${groupId} was not found, or you do not have access to it`);
}

// ------------------------------------------------------------------ listing

/** Case-insensitive search through the group's text fields. */
export function matchesFilter(record: GroupRecord, filter: string | undefined): boolean {
  if (!filter) return true;
  const needle = filter.toLowerCase();
  const texts = [
    record.groupId,
    record.name,
    ...record.users.map((u) => u.userId),
    ...record.admins.map((u) => u.userId),
    ...Object.entries(record.tags ?? {}).flat(),
  ];
  return texts.some((text) => text.toLowerCase().includes(needle));
}

/** What a cursor remembers: the last sequence served and the filter it was issued for. */
export interface CursorState {
  after: number;
  filter?: string;
}

export function encodeCursor(state: CursorState): string {
  return Buffer.from(JSON.stringify(state), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): CursorState {
  try {
    const state = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (
      state &&
      typeof state === 'object' &&
      Number.isSafeInteger((state as CursorState).after) &&
      ((state as CursorState).filter === undefined ||
        typeof (state as CursorState).filter === 'string')
    ) {
      return state as CursorState;
    }
  } catch {
    // fall through to the one error below
  }
  throw badRequest(
    'Invalid query parameter "cursor": not a cursor this server issued; pass pagination.next.cursor from the previous page',
    [{ field: 'cursor', message: 'not a cursor this server issued' }],
  );
}

/** One page of visible groups after `after`, in creation order, and whether more follow. */
export function pageOf(
  records: GroupRecord[],
  options: { caller: AuthressCaller; after: number; filter: string | undefined; limit: number },
): { page: GroupRecord[]; more: boolean } {
  const visible = records
    .filter(
      (r) =>
        r.seq > options.after && canRead(options.caller, r) && matchesFilter(r, options.filter),
    )
    .sort((a, b) => a.seq - b.seq);
  return { page: visible.slice(0, options.limit), more: visible.length > options.limit };
}
