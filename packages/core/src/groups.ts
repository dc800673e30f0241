/**
 * TileDB Cloud groups (API v2) models, plus the pure helpers that belong to them: the
 * path parameters' rules and the conversion between metadata as a plain object and the
 * wire's `MetadataEntry` list.
 *
 * `GroupMember`, `GroupMemberType`, `Metadata`, `MetadataEntry` and `TileDBConfig` travel
 * both ways. `XSchema` is the lenient response side; `XRequestSchema` is the strict
 * request side that client and mock server both validate with.
 */
import * as v from 'valibot';
import { openEnum, type ResponseOf } from './schema.js';

/** Known `GroupMemberType` values. */
export const GROUP_MEMBER_TYPES = ['GROUP', 'ARRAY'] as const;
/** A group tag: lowercase letters and hyphens, as the contract states. */
export const GROUP_TAG_PATTERN = /^[a-z-]+$/;
/** `MetadataEntry.valueNum` is a uint32. */
const UINT32_MAX = 0xffff_ffff;

function quote(value: unknown): string {
  const text = String(value);
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}...` : text);
}

// Control characters (C0 and DEL) have no place in a new name a terminal must show.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

/** Why `value` cannot be one path segment (`{namespace}` or `{name}`), if it cannot. */
function segmentProblem(value: string): string | undefined {
  if (value === '') return 'not be empty';
  if (value.includes('/')) return 'not contain "/"';
  // A URL resolves "." and ".." (even encoded) away, so no request could address them.
  if (value === '.' || value === '..') return `not be ${quote(value)}`;
  return undefined;
}

/**
 * Why `value` cannot name a new group. Stricter than a path segment: a name with control
 * characters can be addressed (encoded), so an existing one stays readable and removable,
 * but none is created.
 */
function newNameProblem(value: string): string | undefined {
  return (
    segmentProblem(value) ??
    (CONTROL_CHARACTER.test(value) ? 'not contain control characters' : undefined)
  );
}

function segment(field: string, problem: (value: string) => string | undefined) {
  return v.pipe(
    v.string(),
    v.check(
      (value) => problem(value) === undefined,
      (issue) => `${field} must ${problem(issue.input as string)}`,
    ),
  );
}

// ---------------------------------------------------------------------------------------
// Path parameters and small field rules
// ---------------------------------------------------------------------------------------

/** `{group_namespace}`: a user or organization name; one path segment. */
export const GroupNamespaceSchema = segment('namespace', segmentProblem);

/** `{group_name}`: the group's name or its UUID; one path segment. */
export const GroupNameSchema = segment('name', segmentProblem);

/** `group_details.name` when creating or registering: a path segment without control characters. */
export const NewGroupNameSchema = segment('name', newNameProblem);

/** One tag of a group: `[a-z-]+`. */
export const GroupTagSchema = v.pipe(
  v.string(),
  v.regex(
    GROUP_TAG_PATTERN,
    (issue) => `tag ${quote(issue.input)} must contain only lowercase letters and "-" ([a-z-])`,
  ),
);

// Type mismatches keep valibot's own message ("Expected string but received 5"); the
// path in front of it names the field.
const nonEmptyString = (field: string) =>
  v.pipe(v.string(), v.minLength(1, `${field} must not be empty`));

/** Schemas hold no state, so every optional string field shares this one. */
const optionalString = v.optional(v.string());

/**
 * A strict request object whose issues read well: an unknown key is named as such (a
 * misspelling, usually), a missing one as required, and a value that is not an object
 * says what was expected. Key issues carry their path when the message is built.
 */
function strictObject<const TEntries extends v.ObjectEntries>(entries: TEntries, what: string) {
  return v.strictObject(entries, (issue) => {
    if (issue.expected === 'never') {
      return `unknown field ${issue.received}; expected one of ${Object.keys(entries).join(', ')}`;
    }
    const key = issue.path?.at(-1)?.key;
    if (key !== undefined) return `${String(key)} is required`;
    return `${what} must be an object`;
  });
}

// ---------------------------------------------------------------------------------------
// Shared models, both directions
// ---------------------------------------------------------------------------------------

/** `GroupMemberType` in a response: known values plus whatever a newer server adds. */
export const GroupMemberTypeSchema = openEnum(GROUP_MEMBER_TYPES);
export type GroupMemberType = v.InferOutput<typeof GroupMemberTypeSchema>;

/** `GroupMemberType` in a request: exactly `GROUP` or `ARRAY`. */
export const GroupMemberTypeRequestSchema = v.picklist(
  GROUP_MEMBER_TYPES,
  (issue) => `type must be "GROUP" or "ARRAY", got ${quote(issue.input)}`,
);

/** `GroupMember` as the server returns it. */
export const GroupMemberSchema = v.looseObject({
  name: optionalString,
  uri: optionalString,
  type: v.optional(GroupMemberTypeSchema),
});
export type GroupMember = ResponseOf<typeof GroupMemberSchema>;

/** `GroupMember` in a request. */
export const GroupMemberRequestSchema = strictObject(
  {
    name: v.optional(nonEmptyString('name')),
    uri: v.optional(nonEmptyString('uri')),
    type: v.optional(GroupMemberTypeRequestSchema),
  },
  'a member',
);
export type GroupMemberRequest = v.InferInput<typeof GroupMemberRequestSchema>;

/** `MetadataEntry` as the server returns it. `value` is raw JSON (bytes, usually). */
export const MetadataEntrySchema = v.looseObject({
  key: optionalString,
  type: optionalString,
  valueNum: v.optional(v.pipe(v.number(), v.integer())),
  value: v.optional(v.unknown()),
  del: v.optional(v.boolean()),
});
export type MetadataEntry = ResponseOf<typeof MetadataEntrySchema>;

/** `MetadataEntry` in a request: every entry names its key. */
export const MetadataEntryRequestSchema = v.pipe(
  strictObject(
    {
      key: v.optional(nonEmptyString('key')),
      type: optionalString,
      valueNum: v.optional(
        v.pipe(
          v.number(),
          v.integer(),
          v.check((n) => n >= 0 && n <= UINT32_MAX, 'valueNum must be a uint32'),
        ),
      ),
      value: v.optional(v.unknown()),
      del: v.optional(v.boolean()),
    },
    'a metadata entry',
  ),
  v.check(
    (entry) => entry.key !== undefined && (entry.del === true || entry.value !== undefined),
    (issue) =>
      (issue.input as { key?: string }).key === undefined
        ? 'key is required'
        : 'value is required unless del is true',
  ),
);
export type MetadataEntryRequest = v.InferInput<typeof MetadataEntryRequestSchema>;

/** `Metadata` as the server returns it. */
export const MetadataSchema = v.looseObject({
  entries: v.optional(v.array(MetadataEntrySchema)),
});
export type Metadata = ResponseOf<typeof MetadataSchema>;

/** `Metadata` in a request. */
export const MetadataRequestSchema = strictObject(
  { entries: v.optional(v.array(MetadataEntryRequestSchema)) },
  'metadata',
);
export type MetadataRequest = v.InferInput<typeof MetadataRequestSchema>;

/**
 * `TileDBConfig` in a request (the lenient response side is `TileDBConfigSchema` in
 * `@iamkit/core/tiledb`).
 */
export const TileDBConfigRequestSchema = strictObject(
  {
    entries: v.optional(
      v.array(
        strictObject(
          { key: v.optional(nonEmptyString('key')), value: optionalString },
          'a config entry',
        ),
      ),
    ),
  },
  'config',
);
export type TileDBConfigRequest = v.InferInput<typeof TileDBConfigRequestSchema>;

// ---------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------

const groupDetailsEntries = {
  description: optionalString,
  name: v.optional(NewGroupNameSchema),
  uri: v.optional(nonEmptyString('uri')),
  logo: optionalString,
  tags: v.optional(v.array(GroupTagSchema)),
  license_id: optionalString,
  license_text: optionalString,
};

/** `GroupCreationRequest`: `POST /v2/groups/{group_namespace}`. */
export const GroupCreationRequestSchema = strictObject(
  {
    config: v.optional(TileDBConfigRequestSchema),
    group_details: strictObject(groupDetailsEntries, 'group_details'),
  },
  'the request body',
);
export type GroupCreationRequest = v.InferInput<typeof GroupCreationRequestSchema>;
export type GroupCreationDetails = GroupCreationRequest['group_details'];

/** `GroupRegistrationRequest`: `PUT /v2/groups/{group_namespace}`. */
export const GroupRegistrationRequestSchema = strictObject(
  {
    config: v.optional(TileDBConfigRequestSchema),
    group_details: strictObject(
      {
        ...groupDetailsEntries,
        parent: v.optional(nonEmptyString('parent')),
        region: optionalString,
        access_credentials_name: v.optional(nonEmptyString('access_credentials_name')),
      },
      'group_details',
    ),
  },
  'the request body',
);
export type GroupRegistrationRequest = v.InferInput<typeof GroupRegistrationRequestSchema>;
export type GroupRegistrationDetails = GroupRegistrationRequest['group_details'];

/** `GroupContentsRetrievalRequest`: `POST /v2/groups/{group_namespace}/{group_name}`. */
export const GroupContentsRetrievalRequestSchema = strictObject(
  { config: v.optional(TileDBConfigRequestSchema) },
  'the request body',
);
export type GroupContentsRetrievalRequest = v.InferInput<
  typeof GroupContentsRetrievalRequestSchema
>;

/** A member to add must say where it lives and what it is. */
const GroupMemberToAddSchema = v.pipe(
  GroupMemberRequestSchema,
  v.check(
    (member) => member.uri !== undefined && member.type !== undefined,
    (issue) =>
      (issue.input as { uri?: string }).uri === undefined
        ? 'uri is required'
        : 'type is required ("GROUP" or "ARRAY")',
  ),
);

/** `GroupContentsChangesRequest`: `PATCH /v2/groups/{group_namespace}/{group_name}`. */
export const GroupContentsChangesRequestSchema = strictObject(
  {
    config: v.optional(TileDBConfigRequestSchema),
    group_changes: v.optional(
      strictObject(
        {
          members_to_remove: v.optional(v.array(nonEmptyString('member'))),
          members_to_add: v.optional(v.array(GroupMemberToAddSchema)),
        },
        'group_changes',
      ),
    ),
  },
  'the request body',
);
export type GroupContentsChangesRequest = v.InferInput<typeof GroupContentsChangesRequestSchema>;

/** `GroupMetadataRetrievalRequest`: `POST .../{group_name}/metadata`. */
export const GroupMetadataRetrievalRequestSchema = strictObject(
  { config: v.optional(TileDBConfigRequestSchema) },
  'the request body',
);
export type GroupMetadataRetrievalRequest = v.InferInput<
  typeof GroupMetadataRetrievalRequestSchema
>;

/** `GroupMetadataUpdateRequest`: `PUT .../{group_name}/metadata`. */
export const GroupMetadataUpdateRequestSchema = strictObject(
  { config: v.optional(TileDBConfigRequestSchema), metadata: MetadataRequestSchema },
  'the request body',
);
export type GroupMetadataUpdateRequest = v.InferInput<typeof GroupMetadataUpdateRequestSchema>;

// ---------------------------------------------------------------------------------------
// Responses
// ---------------------------------------------------------------------------------------

/** `GroupCreationResponse`: the new group's UUID, name and `tiledb://` URI. */
export const GroupCreationResponseSchema = v.looseObject({
  id: optionalString,
  name: optionalString,
  tiledb_uri: optionalString,
});
export type GroupCreationResponse = ResponseOf<typeof GroupCreationResponseSchema>;

/** `GroupContentsRetrievalResponse`: a group's members and metadata. */
export const GroupContentsRetrievalResponseSchema = v.looseObject({
  members: v.optional(v.array(GroupMemberSchema)),
  metadata: v.optional(MetadataSchema),
});
export type GroupContentsRetrievalResponse = ResponseOf<
  typeof GroupContentsRetrievalResponseSchema
>;

// ---------------------------------------------------------------------------------------
// Metadata as a plain object
// ---------------------------------------------------------------------------------------

/**
 * One metadata value as a program sees it. Strings are `STRING_UTF8`, booleans `BOOL`,
 * integers `INT64` (a `bigint` where a `number` would lose precision), other numbers
 * `FLOAT64`, `Uint8Array` is `BLOB`; an array holds several values of one type.
 */
export type MetadataValue =
  | string
  | number
  | bigint
  | boolean
  | Uint8Array
  | Array<number | bigint>
  | boolean[];

/** Metadata as a plain object, `{ key: value }`. */
export type MetadataValues = Record<string, MetadataValue>;

/**
 * A metadata update as a plain object: a value sets the key, `null` deletes it (the
 * wire's `del`), `undefined` leaves it alone.
 */
export type MetadataChanges = Record<string, MetadataValue | null | undefined>;

const isUint8Array = (value: unknown): value is Uint8Array => value instanceof Uint8Array;

function isNumericArray(value: unknown[]): value is Array<number | bigint> {
  return value.every((item) => typeof item === 'number' || typeof item === 'bigint');
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** A scalar (boolean, number, bigint) is checked and encoded as a list of one value. */
const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value]);

/**
 * The one 64-bit TileDB type that holds all of `values`, or why there is none. Numbers
 * alone are INT64 when all are safe integers, FLOAT64 otherwise; with a bigint among them,
 * INT64 when all fit, UINT64 when all fit that.
 */
function numericType(
  values: Array<number | bigint>,
): { type: 'INT64' | 'UINT64' | 'FLOAT64' } | { problem: string } {
  if (values.every((item) => typeof item === 'number')) {
    return { type: values.every((item) => Number.isSafeInteger(item)) ? 'INT64' : 'FLOAT64' };
  }
  if (values.some((item) => typeof item === 'number' && !Number.isSafeInteger(item))) {
    return { problem: 'cannot mix bigint and fractional numbers in one value' };
  }
  const big = values.map((item) => BigInt(item));
  if (big.every((item) => item >= INT64_MIN && item <= INT64_MAX)) return { type: 'INT64' };
  if (big.every((item) => item >= 0n && item <= UINT64_MAX)) return { type: 'UINT64' };
  return { problem: 'integer out of the 64-bit range' };
}

/** What is wrong with a metadata value, or undefined when it can be stored. */
function metadataValueProblem(value: unknown): string | undefined {
  if (value === null || value === undefined || typeof value === 'string' || isUint8Array(value)) {
    return undefined;
  }
  const values = asList(value);
  if (values.every((item) => typeof item === 'boolean')) return undefined;
  if (isNumericArray(values)) {
    const numeric = numericType(values);
    return 'problem' in numeric ? numeric.problem : undefined;
  }
  return `expected a string, number, bigint, boolean, Uint8Array, array of numbers or booleans, or null to delete; got ${describeValue(value)}`;
}

/**
 * Checks a {@link MetadataChanges} object; every problem names its key. Every own key
 * counts, `__proto__`, `constructor` and `prototype` included (metadata keys are arbitrary
 * strings), and the object is passed on as it is, never copied.
 */
export const MetadataChangesSchema = v.pipe(
  v.custom<MetadataChanges>(
    (input) =>
      typeof input === 'object' && input !== null && !Array.isArray(input) && !isUint8Array(input),
    (issue) =>
      `metadata must be an object of { key: value }; got ${
        Array.isArray(issue.input)
          ? 'an array'
          : isUint8Array(issue.input)
            ? 'a Uint8Array'
            : describeValue(issue.input)
      }`,
  ),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const input = dataset.value;
    for (const [key, value] of Object.entries(input)) {
      const message = key === '' ? 'metadata keys must not be empty' : metadataValueProblem(value);
      if (message === undefined) continue;
      addIssue({
        message,
        input: value,
        path: [{ type: 'object', origin: 'value', input, key, value }],
      });
    }
  }),
);

function describeValue(value: unknown): string {
  if (Array.isArray(value)) return 'an array of mixed or unsupported values';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : typeof value;
}

const utf8Encoder = /* @__PURE__ */ new TextEncoder();
const utf8Decoder = /* @__PURE__ */ new TextDecoder();

const STRING_TYPES = new Set(['STRING_UTF8', 'STRING_ASCII', 'CHAR', 'GEOM_WKT']);

function encodeNumbers(type: 'INT64' | 'FLOAT64' | 'UINT64', values: Array<number | bigint>) {
  const view = new DataView(new ArrayBuffer(values.length * 8));
  values.forEach((value, index) => {
    if (type === 'FLOAT64') view.setFloat64(index * 8, Number(value), true);
    else if (type === 'UINT64') view.setBigUint64(index * 8, BigInt(value), true);
    else view.setBigInt64(index * 8, BigInt(value), true);
  });
  return [...new Uint8Array(view.buffer)];
}

function encodeValue(key: string, value: MetadataValue): MetadataEntryRequest {
  if (typeof value === 'string') {
    const bytes = utf8Encoder.encode(value);
    return { key, type: 'STRING_UTF8', valueNum: bytes.length, value: [...bytes] };
  }
  if (isUint8Array(value)) return { key, type: 'BLOB', valueNum: value.length, value: [...value] };
  const values = asList(value);
  if (values.every((item) => typeof item === 'boolean')) {
    return {
      key,
      type: 'BOOL',
      valueNum: values.length,
      value: values.map((item) => (item ? 1 : 0)),
    };
  }
  if (isNumericArray(values)) {
    const numeric = numericType(values);
    if ('problem' in numeric) throw new TypeError(`metadata.${key}: ${numeric.problem}`);
    return {
      key,
      type: numeric.type,
      valueNum: values.length,
      value: encodeNumbers(numeric.type, values),
    };
  }
  throw new TypeError(`metadata.${key}: ${describeValue(value)} cannot be stored as metadata`);
}

/**
 * A plain object of metadata changes as the wire's entry list: each value becomes
 * `{ key, type, valueNum, value }` (value as little-endian bytes, as TileDB stores it),
 * each `null` becomes `{ key, del: true }`, each `undefined` is skipped.
 */
export function toMetadataEntries(changes: MetadataChanges): MetadataEntryRequest[] {
  const entries: MetadataEntryRequest[] = [];
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) continue;
    entries.push(value === null ? { key, del: true } : encodeValue(key, value));
  }
  return entries;
}

function bytesOf(value: unknown): Uint8Array | undefined {
  if (!Array.isArray(value)) return undefined;
  if (!value.every((byte) => Number.isInteger(byte) && byte >= 0 && byte <= 255)) return undefined;
  return Uint8Array.from(value as number[]);
}

/** Reads one little-endian value of a fixed-size TileDB datatype at a byte offset. */
type NumberReader = (view: DataView, offset: number) => number | bigint;

/** A 64-bit integer as a `number` where that loses nothing, as a `bigint` otherwise. */
function narrowed(big: bigint): number | bigint {
  const small = Number(big);
  return Number.isSafeInteger(small) ? small : big;
}

const readInt64: NumberReader = (view, offset) => narrowed(view.getBigInt64(offset, true));

/** Byte width and reader of each fixed-size TileDB datatype we decode. */
const FIXED_TYPES: Record<string, [width: number, read: NumberReader]> = {
  INT8: [1, (view, offset) => view.getInt8(offset)],
  UINT8: [1, (view, offset) => view.getUint8(offset)],
  BOOL: [1, (view, offset) => view.getUint8(offset)],
  INT16: [2, (view, offset) => view.getInt16(offset, true)],
  UINT16: [2, (view, offset) => view.getUint16(offset, true)],
  INT32: [4, (view, offset) => view.getInt32(offset, true)],
  UINT32: [4, (view, offset) => view.getUint32(offset, true)],
  FLOAT32: [4, (view, offset) => view.getFloat32(offset, true)],
  FLOAT64: [8, (view, offset) => view.getFloat64(offset, true)],
  INT64: [8, readInt64],
  UINT64: [8, (view, offset) => narrowed(view.getBigUint64(offset, true))],
};

function fixedType(type: string): [width: number, read: NumberReader] | undefined {
  // The DATETIME_* and TIME_* types are 64-bit integers.
  if (type.startsWith('DATETIME_') || type.startsWith('TIME_')) return [8, readInt64];
  return Object.hasOwn(FIXED_TYPES, type) ? FIXED_TYPES[type] : undefined;
}

/** Decodes one wire entry's value; `undefined` when the entry carries no value. */
export function decodeMetadataEntry(entry: MetadataEntry): MetadataValue | undefined {
  const { type = '', value } = entry;
  if (value === undefined || value === null) return undefined;
  const bytes = bytesOf(value);
  if (!bytes) {
    // Not a byte list: a server that sends plain JSON values is taken at its word.
    if (
      typeof value === 'string' ||
      typeof value === 'number' ||
      typeof value === 'boolean' ||
      (Array.isArray(value) && isNumericArray(value))
    ) {
      return value;
    }
    return undefined;
  }
  if (STRING_TYPES.has(type)) return utf8Decoder.decode(bytes);
  const fixed = fixedType(type);
  if (fixed === undefined || bytes.length % fixed[0] !== 0) return bytes;
  const [width, read] = fixed;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = bytes.length / width;
  const numbers = Array.from({ length: count }, (_, index) => read(view, index * width));
  if (type === 'BOOL') {
    const flags = numbers.map((byte) => byte !== 0);
    return count === 1 ? flags[0]! : flags;
  }
  return count === 1 && entry.valueNum !== 0 ? numbers[0]! : numbers;
}

/**
 * The wire's entry list as a plain object. Entries marked `del` and entries without a key
 * are left out; a single value becomes a scalar, several become an array; bytes of an
 * unknown type stay a `Uint8Array`.
 */
export function fromMetadataEntries(entries: readonly MetadataEntry[] | undefined): MetadataValues {
  const pairs: Array<[string, MetadataValue]> = [];
  for (const entry of entries ?? []) {
    if (entry.key === undefined || entry.del === true) continue;
    const value = decodeMetadataEntry(entry);
    if (value !== undefined) pairs.push([entry.key, value]);
  }
  // fromEntries defines each key, never assigns it: a key such as `__proto__` becomes an
  // own property like any other, instead of replacing the object's prototype.
  return Object.fromEntries(pairs);
}

/** A plain `{ key: value }` config as the wire's `TileDBConfig`. */
export function toTileDBConfig(
  config: Record<string, string> | TileDBConfigRequest,
): TileDBConfigRequest {
  if (Array.isArray((config as TileDBConfigRequest).entries)) return config as TileDBConfigRequest;
  return {
    entries: Object.entries(config as Record<string, string>).map(([key, value]) => ({
      key,
      value,
    })),
  };
}
