/**
 * The TileDB host rules every TileDB client needs, apart from the config resolution in
 * `config.ts`: a client that only normalizes its `baseUrl` then never bundles the
 * `cloud.json` schema.
 */
import { ConfigError } from './errors.js';
import { redactUrl } from './redact.js';

export const DEFAULT_TILEDB_HOST = 'https://api.tiledb.com';

/**
 * Adds `https://` to a bare host, drops trailing slashes, and rejects a host ending in a
 * version segment: every operation carries its own `/v1`, `/v2` or `/v4` prefix.
 */
export function normalizeTileDBHost(host: string): string {
  const trimmed = typeof host === 'string' ? host.trim() : '';
  if (trimmed === '') throw new ConfigError('The TileDB host is empty');
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new ConfigError(`The TileDB host is not a valid URL: ${redactUrl(trimmed)}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigError(`The TileDB host must use http or https, not ${url.protocol}`);
  }
  if (url.username || url.password) {
    throw new ConfigError(
      'The TileDB host must not contain credentials; use an API key or username/password',
    );
  }
  if (url.search || url.hash) {
    throw new ConfigError('The TileDB host must not have a query string or fragment');
  }
  const path = url.pathname.replace(/\/+$/, '');
  const version = /\/(v[124])$/i.exec(path);
  if (version) {
    throw new ConfigError(
      `The TileDB host must not end in /${version[1]}: each operation adds its own /v1, /v2 or /v4 prefix. Use ${url.origin}${path.slice(0, -version[0].length)}`,
    );
  }
  return `${url.origin}${path}`;
}
