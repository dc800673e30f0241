/**
 * Argument helpers shared by domain commands. A TileDB asset is given either as
 * `<namespace> <name>` or as one `tiledb://namespace/name`.
 */
import { InvalidTileDBUriError, isTileDBUri, parseTileDBUri } from '@iamkit/core/uri';
import { UsageError } from './errors.js';

/** Spread into a command's `args`: the two positionals, described for help. */
export const tiledbAssetArgs = {
  namespace: {
    type: 'positional',
    description: 'Namespace (user or organization), or a tiledb://namespace/name URI',
    required: true,
  },
  name: {
    type: 'positional',
    description: 'Asset name (omit when the first argument is a tiledb:// URI)',
    required: false,
  },
} as const;

/** The usage line to pass as `usage` so help shows both forms. */
export const TILEDB_ASSET_USAGE = '<namespace> <name> | <tiledb://namespace/name>';

export interface TileDBAsset {
  namespace: string;
  name: string;
  /** Positionals after the asset (for commands that take more, e.g. key=value pairs). */
  rest: string[];
}

export interface TakeAssetOptions {
  /**
   * `true` for a command that declares `rest` (takes more positionals after the asset):
   * they come back as `rest`. Otherwise any positional after the asset is a usage error,
   * whichever form the asset was given in.
   */
  rest?: boolean;
}

/**
 * Takes the asset from the front of `positionals` (the `positionals` a command's run gets):
 * one `tiledb://` URI, or a namespace and a name.
 */
export function takeTileDBAsset(
  positionals: readonly string[],
  options: TakeAssetOptions = {},
): TileDBAsset {
  const asset = parseTileDBAsset(positionals);
  if (!options.rest && asset.rest.length > 0) {
    throw new UsageError(`unexpected argument "${asset.rest[0]}"`);
  }
  return asset;
}

function parseTileDBAsset(positionals: readonly string[]): TileDBAsset {
  const [first, second, ...others] = positionals;
  if (first === undefined || first === '') {
    throw new UsageError('missing <namespace> <name> (or a tiledb://namespace/name URI)');
  }
  if (isTileDBUri(first)) {
    try {
      const ref = parseTileDBUri(first);
      return { ...ref, rest: positionals.slice(1) };
    } catch (error) {
      if (error instanceof InvalidTileDBUriError) throw new UsageError(error.message);
      throw error;
    }
  }
  // `tiledb:/acme/x`, `tiledb:acme/x`: a mistyped scheme, not a namespace.
  if (/^tiledb:/i.test(first)) {
    throw new UsageError(`expected tiledb://namespace/name, got ${JSON.stringify(first)}`);
  }
  if (first.includes('://')) {
    throw new UsageError(
      `expected <namespace> <name> or tiledb://namespace/name, got ${JSON.stringify(first)}`,
    );
  }
  if (second === undefined || second === '') {
    throw new UsageError(
      `missing <name> after namespace "${first}" (or use tiledb://${first}/NAME)`,
    );
  }
  return { namespace: first, name: second, rest: others };
}

/**
 * Parses `key=value` arguments into an object; a missing `=` or empty key is a usage error.
 * The object has no prototype, so `__proto__=x` is a key like any other.
 */
export function parseKeyValues(pairs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`expected key=value, got ${JSON.stringify(pair)}`);
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}

/** Reads all of stdin as text (for `--password-stdin`, `-` values and JSON bodies). */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
