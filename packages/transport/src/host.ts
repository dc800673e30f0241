/**
 * The TileDB host rules every TileDB client needs, apart from the config resolution in
 * `config.ts`: a client that only normalizes its `baseUrl` then never bundles the
 * `cloud.json` schema.
 */
import { ConfigError } from './errors.js';
import { parseBaseUrl } from './url.js';

export const DEFAULT_TILEDB_HOST = 'https://api.tiledb.com';

/**
 * Adds `https://` to a bare host, drops trailing slashes, and rejects a host ending in a
 * version segment: every operation carries its own `/v1`, `/v2` or `/v4` prefix.
 */
export function normalizeTileDBHost(host: string): string {
  const { origin, path } = parseBaseUrl(host, 'The TileDB host');
  const version = /\/(v[124])$/i.exec(path);
  if (version) {
    throw new ConfigError(
      `The TileDB host must not end in /${version[1]}: each operation adds its own /v1, /v2 or /v4 prefix. Use ${origin}${path.slice(0, -version[0].length)}`,
    );
  }
  return origin + path;
}
