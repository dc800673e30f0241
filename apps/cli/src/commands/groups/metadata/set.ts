import { TILEDB_ASSET_USAGE, takeTileDBAsset, tiledbAssetArgs } from '../../../args.js';
import { defineIamkitCommand } from '../../../command.js';
import { UsageError } from '../../../errors.js';
import { callOptions, groupsClient, tiledbUri } from '../shared.js';

type Value = string | number | bigint | boolean | Array<number | bigint> | boolean[];

/** A JSON number literal, as written: `-` the only sign, no leading zeros, no spaces. */
const NUMBER = /^-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;
/** `[...]`; what is inside may span lines. */
const LIST = /^\[(.*)\]$/s;
const trimJson = (text: string) => text.replace(/^[ \t\n\r]+|[ \t\n\r]+$/g, '');

/** One number as written; `float` when it has a fraction or an exponent. */
interface NumberLiteral {
  literal: string;
  float: boolean;
}

function literal(text: string): boolean | NumberLiteral | undefined {
  if (text === 'true') return true;
  if (text === 'false') return false;
  const match = NUMBER.exec(text);
  if (!match) return undefined;
  return { literal: text, float: match[1] !== undefined || match[2] !== undefined };
}

/**
 * The numbers of one value (one, or a list's), typed as the core metadata codec will type
 * them. Whole numbers alone are INT64 (UINT64 past INT64's range), a bigint where a number
 * would lose digits; the codec refuses what 64 bits cannot hold. With a fraction or
 * exponent anywhere, every number is a FLOAT64 and must be one exactly as written. Throws
 * a usage error for what would change on the way: the codec stores a value as FLOAT64
 * only when a number in it is not a safe integer, so `1.0`, `1e3` or `-0` would be INT64.
 */
function exactNumbers(
  items: readonly NumberLiteral[],
  written: string,
  fail: (problem: string) => UsageError,
): Array<number | bigint> {
  if (!items.some((item) => item.float)) {
    return items.map((item) => {
      if (item.literal === '-0') {
        throw fail('-0 would be stored as 0: an integer has no negative zero');
      }
      const big = BigInt(item.literal);
      return Number.isSafeInteger(Number(big)) ? Number(big) : big;
    });
  }
  for (const item of items) {
    if (!item.float) continue;
    const value = Number(item.literal);
    if (!Number.isFinite(value)) throw fail(`${item.literal} is beyond the FLOAT64 range`);
    const digits = item.literal.split(/[eE]/)[0] ?? '';
    if (value === 0 && /[1-9]/.test(digits)) {
      throw fail(`${item.literal} is too small for FLOAT64 (it would be stored as 0)`);
    }
  }
  const values = items.map((item) => Number(item.literal));
  if (values.every((value) => Number.isSafeInteger(value))) {
    const [only] = values;
    if (items.length > 1) {
      throw fail(
        `${written} would be stored as integers (INT64): a list is FLOAT64 only when a number in it has a fractional part`,
      );
    }
    if (Object.is(only, -0)) {
      throw fail(`${written} would be stored as the integer 0: an integer has no negative zero`);
    }
    throw fail(
      `${written} would be stored as the integer ${only} (INT64): a whole number cannot be stored as FLOAT64 (write ${only} for an integer)`,
    );
  }
  items.forEach((item, index) => {
    const value = values[index] as number;
    if (!item.float && !(Number.isFinite(value) && BigInt(value) === BigInt(item.literal))) {
      throw fail(
        `${item.literal} cannot be stored exactly in a FLOAT64 list (a fraction or exponent anywhere in a list makes all of it FLOAT64)`,
      );
    }
  });
  return values;
}

/**
 * A `key=value` value with its type, or a usage error naming the key when it cannot be
 * stored as written. `true`/`false` are BOOL. A JSON number literal (no spaces, no leading
 * zeros, no `+`) is a number: whole → INT64, kept exact; with a fraction or exponent →
 * FLOAT64, which must be finite, not rounded to 0, and not a whole number below 2^53
 * (the codec would store that as INT64). `[...]` of numbers or of booleans is a list (`[]`
 * is refused: it has no type). `"..."` in JSON quotes is the text inside; anything else
 * (`0042`, ` 5`, `1.2.3`) is text as written.
 */
export function parseMetadataValue(key: string, raw: string): Value {
  const quoted = `${key}${raw}`.includes("'")
    ? 'in JSON quotes'
    : `in JSON quotes (${key}='${JSON.stringify(raw)}')`;
  const fail = (problem: string) =>
    new UsageError(
      `metadata.${key}: ${problem}`,
      `to store it as text, write it ${quoted} or pass --string`,
    );
  if (raw.startsWith('"')) {
    try {
      const parsed: unknown = JSON.parse(raw);
      if (typeof parsed === 'string') return parsed;
    } catch {
      // not one JSON string: text as written
    }
    return raw;
  }
  const list = LIST.exec(raw);
  if (list) {
    const inside = trimJson(list[1] ?? '');
    if (inside === '') throw fail(`${raw} is an empty list, which has no type`);
    const items = inside.split(',').map((item) => literal(trimJson(item)));
    if (items.every((item): item is boolean => typeof item === 'boolean')) return items;
    if (items.every((item): item is NumberLiteral => typeof item === 'object')) {
      return exactNumbers(items, raw, fail);
    }
    return raw;
  }
  const single = literal(raw);
  if (single === undefined || typeof single === 'boolean') return single ?? raw;
  return exactNumbers([single], raw, fail)[0] as number | bigint;
}

/**
 * `key=value` arguments in order (a repeated key keeps its last value). A Map, not an
 * object: a key such as `__proto__` or `constructor` is a key like any other.
 */
function keyValuePairs(args: readonly string[]): Map<string, string> {
  const pairs = new Map<string, string>();
  for (const arg of args) {
    const eq = arg.indexOf('=');
    if (eq <= 0) throw new UsageError(`expected key=value, got ${JSON.stringify(arg)}`);
    pairs.set(arg.slice(0, eq), arg.slice(eq + 1));
  }
  return pairs;
}

export default defineIamkitCommand({
  name: 'set',
  description: "Set or delete keys of a group's metadata; other keys stay as they are",
  examples: [
    'iamkit groups metadata set acme genomics owner=lab-7 version=3 draft=true',
    'iamkit groups metadata set tiledb://acme/genomics --delete draft,old-key',
    'iamkit groups metadata set acme genomics release=2.0 --string',
  ],
  usage: `${TILEDB_ASSET_USAGE} key=value... [--delete key,...] [--string]`,
  rest: {
    name: 'key=value',
    description:
      'A key and its value: 42 (integer, kept exact), 0.5 or 2e-3 (FLOAT64), true/false, [1,2] (a list of one kind), or text: "7" in JSON quotes, or anything else as written (0042, v1.2). 1.0, 1e3, -0, 1e999 and [] are refused: they cannot be stored as written',
  },
  args: {
    ...tiledbAssetArgs,
    delete: { type: 'string', description: 'Comma-separated keys to delete' },
    string: { type: 'boolean', description: 'Store every value as text, without guessing types' },
  },
  async run({ args, positionals, ctx }) {
    const { namespace, name, rest } = takeTileDBAsset(positionals, { rest: true });
    const pairs = keyValuePairs(rest);
    const changes = new Map<string, Value | null>();
    for (const [key, raw] of pairs) {
      changes.set(key, args.string ? raw : parseMetadataValue(key, raw));
    }
    const deleted =
      args.delete === undefined ? [] : args.delete.split(',').map((key) => key.trim());
    for (const key of deleted) {
      if (key === '')
        throw new UsageError(`--delete takes comma-separated keys; got "${args.delete}"`);
      if (changes.has(key)) throw new UsageError(`key "${key}" is both set and deleted`);
      changes.set(key, null);
    }
    if (changes.size === 0) {
      throw new UsageError('nothing to change: give key=value pairs or --delete');
    }
    const client = await groupsClient(ctx);
    // Object.fromEntries defines own keys, `__proto__` included.
    await client.updateGroupMetadata(
      namespace,
      name,
      Object.fromEntries(changes),
      callOptions(ctx),
    );
    const group = tiledbUri(namespace, name);
    const set = [...pairs.keys()];
    if (ctx.flags.json) ctx.out.json({ tiledb_uri: group, set, deleted });
    else {
      const parts = [
        set.length > 0 && `set ${set.join(', ')}`,
        deleted.length > 0 && `deleted ${deleted.join(', ')}`,
      ].filter(Boolean);
      ctx.out.success(`Metadata of ${group}: ${parts.join('; ')}`);
    }
  },
});
