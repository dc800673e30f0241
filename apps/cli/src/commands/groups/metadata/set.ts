import { TILEDB_ASSET_USAGE, takeTileDBAsset, tiledbAssetArgs } from '../../../args.js';
import { defineIamkitCommand } from '../../../command.js';
import { UsageError } from '../../../errors.js';
import { callOptions, groupsClient, tiledbUri } from '../shared.js';

type Value = string | number | bigint | boolean | Array<number | bigint> | boolean[];

/**
 * `version=3` is a number, `draft=true` a boolean, `sizes=[1,2]` a list of numbers,
 * `label="3"` (JSON-quoted) or anything else a string. Whole numbers past 2^53 stay exact.
 */
export function parseMetadataValue(raw: string): Value {
  if (/^-?\d+$/.test(raw)) {
    const big = BigInt(raw);
    return Number.isSafeInteger(Number(big)) ? Number(big) : big;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return raw;
  }
  if (typeof parsed === 'number' || typeof parsed === 'boolean' || typeof parsed === 'string') {
    return parsed;
  }
  if (
    Array.isArray(parsed) &&
    (parsed.every((item) => typeof item === 'number') ||
      parsed.every((item) => typeof item === 'boolean'))
  ) {
    return parsed as number[] | boolean[];
  }
  return raw;
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
    'iamkit groups metadata set acme genomics build=0042 --string',
  ],
  usage: `${TILEDB_ASSET_USAGE} key=value... [--delete key,...] [--string]`,
  rest: {
    name: 'key=value',
    description: 'A key and its value: number, true/false, [list] or text',
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
      changes.set(key, args.string ? raw : parseMetadataValue(raw));
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
