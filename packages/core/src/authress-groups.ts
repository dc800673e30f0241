/**
 * Authress Groups models (`/v1/groups`): Group, GroupCollection, User, plus the request
 * schemas and limits that client and mock server both enforce, so the two never disagree.
 *
 * `Group` is one spec model used both ways. The response side (`GroupSchema`) is lenient;
 * the request side (`GroupRequestSchema`) is strict and carries every rule the contract
 * states: the `grp_` prefix, name length, user/admin limits and the ~100 KB size.
 */
import * as v from 'valibot';
import { AccountLinksSchema, CollectionLinksSchema, PaginationSchema } from './authress.js';
import { type ResponseOf, readOnly, stringMap } from './schema.js';

/** Every caller-chosen `groupId` starts with this. */
export const GROUP_ID_PREFIX = 'grp_';
/** `Group.groupId`: `grp_` then letters, digits, `-` or `_`. */
export const GROUP_ID_PATTERN = /^grp_[a-zA-Z0-9_-]+$/;
export const GROUP_ID_MAX_LENGTH = 64;
export const GROUP_NAME_MAX_LENGTH = 128;
export const GROUP_MAX_USERS = 100;
export const GROUP_MAX_ADMINS = 100;
export const GROUP_TAG_VALUE_MAX_LENGTH = 128;
/**
 * The contract's "~100KB", made exact: 100 KiB of UTF-8 JSON (the group as sent, without
 * its read-only fields). Client and mock server both measure with {@link groupSerializedSize}.
 */
export const GROUP_MAX_SERIALIZED_BYTES = 100 * 1024;
/** `User.userId`: letters, digits, whitespace and `+ . _ | / ~ : @ -`. */
export const USER_ID_PATTERN = /^[a-zA-Z0-9+._|/~:@\s-]+$/;
export const USER_ID_MAX_LENGTH = 128;
/** `getGroups` `limit`: 1-20, default 20. */
export const GROUPS_PAGE_MAX_LIMIT = 20;
export const GROUPS_FILTER_MAX_LENGTH = 64;
/** `If-Unmodified-Since` carries an ISO 8601 time of at most 32 characters. */
export const IF_UNMODIFIED_SINCE_MAX_LENGTH = 32;

// ---------------------------------------------------------------------------------------
// Response models (lenient)
// ---------------------------------------------------------------------------------------

/** `User` as the server returns it. */
export const UserSchema = v.looseObject({
  userId: v.string(),
});
export type User = ResponseOf<typeof UserSchema>;

/** `Group` as the server returns it; `lastUpdated` and `links` are set by the server. */
export const GroupSchema = v.looseObject({
  groupId: v.optional(v.string()),
  name: v.string(),
  lastUpdated: v.optional(readOnly(v.string())),
  users: v.array(UserSchema),
  admins: v.array(UserSchema),
  links: v.optional(readOnly(AccountLinksSchema)),
  tags: v.nullish(stringMap(v.string())),
});
export type Group = ResponseOf<typeof GroupSchema>;

/** `GroupCollection`: one page of groups, its links and the cursor to the next page. */
export const GroupCollectionSchema = v.looseObject({
  groups: v.array(GroupSchema),
  pagination: v.optional(PaginationSchema),
  links: CollectionLinksSchema,
});
export type GroupCollection = ResponseOf<typeof GroupCollectionSchema>;

// ---------------------------------------------------------------------------------------
// Request models (strict)
// ---------------------------------------------------------------------------------------

/** A caller-chosen `Group.groupId`. */
export const GroupIdSchema = v.pipe(
  v.string('groupId must be a string'),
  v.maxLength(GROUP_ID_MAX_LENGTH, `groupId must be at most ${GROUP_ID_MAX_LENGTH} characters`),
  v.regex(
    GROUP_ID_PATTERN,
    'groupId must start with "grp_" and contain only letters, digits, "-" and "_"',
  ),
);

/**
 * The `{groupId}` path parameter. The contract checks only its length (1-64), so ids of
 * groups created before the `grp_` rule stay reachable.
 */
export const GroupIdParamSchema = v.pipe(
  v.string('groupId must be a string'),
  v.minLength(1, 'groupId must not be empty'),
  v.maxLength(GROUP_ID_MAX_LENGTH, `groupId must be at most ${GROUP_ID_MAX_LENGTH} characters`),
);

/** `User` in a request. */
export const UserRequestSchema = v.strictObject({
  userId: v.pipe(
    v.string('userId must be a string'),
    v.minLength(1, 'userId must not be empty'),
    v.maxLength(USER_ID_MAX_LENGTH, `userId must be at most ${USER_ID_MAX_LENGTH} characters`),
    v.regex(
      USER_ID_PATTERN,
      'userId may contain only letters, digits, whitespace and the characters + . _ | / ~ : @ -',
    ),
  ),
});
export type UserRequest = v.InferInput<typeof UserRequestSchema>;

const userList = (field: 'users' | 'admins', max: number) =>
  v.pipe(
    v.array(UserRequestSchema, `${field} must be an array of { userId }`),
    v.maxLength(
      max,
      (issue) => `${field} has ${issue.received} entries; at most ${max} are allowed`,
    ),
  );

/**
 * The fields of a create or update body, every rule except the size limit. A server uses
 * it to answer an oversized group with 413 rather than 400: it checks
 * {@link groupSerializedSize} itself after this. Clients use {@link GroupRequestSchema}.
 */
export const GroupRequestFieldsSchema = v.strictObject({
  groupId: v.optional(GroupIdSchema),
  name: v.pipe(
    v.string('name must be a string'),
    v.minLength(1, 'name must not be empty'),
    v.maxLength(GROUP_NAME_MAX_LENGTH, `name must be at most ${GROUP_NAME_MAX_LENGTH} characters`),
  ),
  lastUpdated: v.optional(readOnly(v.string())),
  users: userList('users', GROUP_MAX_USERS),
  admins: userList('admins', GROUP_MAX_ADMINS),
  links: v.optional(readOnly(AccountLinksSchema)),
  tags: v.nullish(
    stringMap(
      v.pipe(
        v.string('tag values must be strings'),
        v.maxLength(
          GROUP_TAG_VALUE_MAX_LENGTH,
          `tag values must be at most ${GROUP_TAG_VALUE_MAX_LENGTH} characters`,
        ),
      ),
    ),
  ),
});

/**
 * `Group` in a create or update body. `lastUpdated` and `links` are accepted (so a group
 * read from the server can be sent back as it is) and dropped by {@link toGroupRequestBody}.
 */
export const GroupRequestSchema = v.pipe(
  GroupRequestFieldsSchema,
  v.check(
    (group) => groupSerializedSize(group) <= GROUP_MAX_SERIALIZED_BYTES,
    (issue) =>
      `group is ${groupSerializedSize(issue.input as object)} bytes as JSON; the limit is ${GROUP_MAX_SERIALIZED_BYTES} bytes (~100 KB)`,
  ),
);
export type GroupRequest = v.InferInput<typeof GroupRequestSchema>;

/** `getGroups` query parameters. */
export const GetGroupsQuerySchema = v.strictObject({
  limit: v.optional(
    v.pipe(
      v.number('limit must be a number'),
      v.integer('limit must be a whole number'),
      v.minValue(1, 'limit must be at least 1'),
      v.maxValue(GROUPS_PAGE_MAX_LIMIT, `limit must be at most ${GROUPS_PAGE_MAX_LIMIT}`),
    ),
  ),
  cursor: v.optional(
    v.pipe(v.string('cursor must be a string'), v.minLength(1, 'cursor must not be empty')),
  ),
  filter: v.optional(
    v.pipe(
      v.string('filter must be a string'),
      v.minLength(1, 'filter must not be empty'),
      v.maxLength(
        GROUPS_FILTER_MAX_LENGTH,
        `filter must be at most ${GROUPS_FILTER_MAX_LENGTH} characters`,
      ),
    ),
  ),
});
export type GetGroupsQuery = v.InferInput<typeof GetGroupsQuerySchema>;

/**
 * An ISO 8601 date-time as `If-Unmodified-Since` carries it: a date, `T`, a time (seconds
 * and their fraction optional), then `Z` or an offset such as `+02:00`. Not an HTTP-date,
 * not a date alone, and nothing else `Date.parse` happens to read (`"1"`, `12/01/2026`).
 */
export const ISO_DATE_TIME_PATTERN =
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})$/;

const ISO_DATE_TIME_MESSAGE =
  'expectedLastModifiedTime must be an ISO 8601 date-time with a time zone, such as 2023-08-23T14:01:12Z or 2023-08-23T16:01:12.000+02:00';

/**
 * The `If-Unmodified-Since` value of an update: an ISO 8601 date-time
 * ({@link ISO_DATE_TIME_PATTERN}) of 1-32 characters that is a real time.
 */
export const IfUnmodifiedSinceSchema = v.pipe(
  v.string('expectedLastModifiedTime must be a string or a Date'),
  v.minLength(1, 'expectedLastModifiedTime must not be empty'),
  v.maxLength(
    IF_UNMODIFIED_SINCE_MAX_LENGTH,
    `expectedLastModifiedTime must be at most ${IF_UNMODIFIED_SINCE_MAX_LENGTH} characters`,
  ),
  v.regex(ISO_DATE_TIME_PATTERN, ISO_DATE_TIME_MESSAGE),
  // Only for what has the shape (2023-02-30T...): a shapeless value already has its issue.
  v.check(
    (value) => !ISO_DATE_TIME_PATTERN.test(value) || !Number.isNaN(Date.parse(value)),
    ISO_DATE_TIME_MESSAGE,
  ),
);

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

/** The group as it goes on the wire: read-only fields removed, everything else kept. */
export function toGroupRequestBody<T extends { lastUpdated?: unknown; links?: unknown }>(
  group: T,
): Omit<T, 'lastUpdated' | 'links'> {
  const { lastUpdated: _lastUpdated, links: _links, ...body } = group;
  return body;
}

const encoder = /* @__PURE__ */ new TextEncoder();

/** UTF-8 bytes of the group as JSON, without its read-only fields (what the limit counts). */
export function groupSerializedSize(group: object): number {
  return encoder.encode(JSON.stringify(toGroupRequestBody(group as { lastUpdated?: unknown })))
    .length;
}

/** True for a string that is a valid caller-chosen group id (`grp_...`). */
export function isGroupId(value: unknown): value is string {
  return (
    typeof value === 'string' && value.length <= GROUP_ID_MAX_LENGTH && GROUP_ID_PATTERN.test(value)
  );
}

/**
 * True for a valid `If-Unmodified-Since` value ({@link IfUnmodifiedSinceSchema}): for callers
 * that word their own error, such as the CLI naming its flag.
 */
export function isIfUnmodifiedSince(value: unknown): value is string {
  return v.is(IfUnmodifiedSinceSchema, value);
}

/**
 * An `If-Unmodified-Since` value from a `Date` or a string. A `Date` becomes ISO 8601
 * (`toISOString()`), which is what the API expects rather than an HTTP-date.
 */
export function formatIfUnmodifiedSince(value: Date | string): string {
  if (!(value instanceof Date)) return value;
  // An invalid Date stays recognisable, so IfUnmodifiedSinceSchema rejects it by name.
  return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
}
