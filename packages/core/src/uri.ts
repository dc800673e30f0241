/** `tiledb://namespace/name` URIs, the way TileDB users already address assets. */

export const TILEDB_URI_SCHEME = 'tiledb://';

export interface TileDBAssetRef {
  namespace: string;
  name: string;
}

/** Thrown for a string that is not a usable `tiledb://namespace/name` URI. */
export class InvalidTileDBUriError extends Error {
  readonly code = 'invalid_tiledb_uri';
  constructor(message: string) {
    super(message);
    this.name = 'InvalidTileDBUriError';
  }
}

function describe(value: string): string {
  return value.length > 80 ? `${JSON.stringify(value.slice(0, 80))}...` : JSON.stringify(value);
}

/**
 * Splits `tiledb://namespace/name` on the first `/` after the scheme, so a name may
 * itself contain `/` (as storage paths do). Any other scheme is refused.
 */
export function parseTileDBUri(uri: string): TileDBAssetRef {
  if (typeof uri !== 'string') {
    throw new InvalidTileDBUriError('Expected a tiledb:// URI string');
  }
  const schemeEnd = uri.indexOf('://');
  if (schemeEnd === -1 || uri.slice(0, schemeEnd + 3).toLowerCase() !== TILEDB_URI_SCHEME) {
    const scheme = schemeEnd === -1 ? 'no scheme' : `scheme "${uri.slice(0, schemeEnd)}://"`;
    throw new InvalidTileDBUriError(
      `Expected a URI of the form tiledb://namespace/name, got ${describe(uri)} (${scheme})`,
    );
  }
  const rest = uri.slice(TILEDB_URI_SCHEME.length);
  const slash = rest.indexOf('/');
  const namespace = slash === -1 ? rest : rest.slice(0, slash);
  const name = slash === -1 ? '' : rest.slice(slash + 1);
  if (namespace === '') {
    throw new InvalidTileDBUriError(`The namespace is empty in ${describe(uri)}`);
  }
  if (name === '') {
    throw new InvalidTileDBUriError(
      `The name is empty in ${describe(uri)}; expected tiledb://namespace/name`,
    );
  }
  return { namespace, name };
}

/** Formats a namespace and a name as `tiledb://namespace/name`. */
export function formatTileDBUri(namespace: string, name: string): string {
  if (!namespace) throw new InvalidTileDBUriError('namespace must not be empty');
  if (namespace.includes('/')) {
    throw new InvalidTileDBUriError(`namespace must not contain "/": ${describe(namespace)}`);
  }
  if (!name) throw new InvalidTileDBUriError('name must not be empty');
  return `${TILEDB_URI_SCHEME}${namespace}/${name}`;
}

/** True when the string uses the `tiledb://` scheme (case-insensitive). */
export function isTileDBUri(value: string): boolean {
  return typeof value === 'string' && value.toLowerCase().startsWith(TILEDB_URI_SCHEME);
}
