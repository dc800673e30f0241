/**
 * The one place a base URL given by a user is checked: the Transport's `baseUrl`, the TileDB
 * host and the Authress API URL all follow the same rules.
 */
import { ConfigError } from './errors.js';
import { redactUrl, SCHEMELESS_USER_INFO } from './redact.js';

/**
 * What "a bare host" is: `host`, `host:port`, optionally followed by a path. Only these get
 * `https://`; anything else (`/api`, `user:pw@host`, `https:/host`) is parsed as written, so
 * a relative or mistyped URL is refused rather than turned into some other host.
 */
const BARE_HOST = /^[^\s/:?#@]+(?::\d+)?(?:\/|$)/;

/** An http(s) base URL, split where callers need it: the path has no trailing slash. */
export interface BaseUrl {
  origin: string;
  /** Lower-case, as URL gives it. */
  hostname: string;
  path: string;
}

/**
 * Parses `input` as a base URL. A bare host (`api.tiledb.com`) means https, as the TileDB
 * and Authress SDKs read it. Credentials, a query string or a fragment are refused: they
 * would be sent with, or logged beside, every request. `subject` names the option in errors.
 */
export function parseBaseUrl(input: string, subject: string): BaseUrl {
  const trimmed = typeof input === 'string' ? input.trim() : '';
  if (trimmed === '') throw new ConfigError(`${subject} is empty`);
  const credentials = () =>
    new ConfigError(
      `${subject} must not contain credentials (user:password@); give them separately`,
    );
  if (SCHEMELESS_USER_INFO.test(trimmed)) throw credentials();
  let url: URL;
  try {
    url = new URL(BARE_HOST.test(trimmed) ? `https://${trimmed}` : trimmed);
  } catch {
    throw new ConfigError(`${subject} is not a valid URL: ${redactUrl(trimmed)}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigError(`${subject} must use http or https, not ${url.protocol}`);
  }
  if (url.username || url.password) throw credentials();
  if (url.search || url.hash) {
    throw new ConfigError(`${subject} must not have a query string or fragment`);
  }
  return { origin: url.origin, hostname: url.hostname, path: url.pathname.replace(/\/+$/, '') };
}
