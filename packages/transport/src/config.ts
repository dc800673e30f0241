/**
 * TileDB Cloud configuration, resolved the way the TileDB tools do: explicit options, then
 * the TILEDB_REST_* environment variables, then `~/.tiledb/cloud.json`, then the default
 * host. Pure: the caller supplies env and the parsed file (see `@iamkit/transport/node`).
 */
import * as v from 'valibot';
import { type AuthStrategy, apiKeyAuth, basicAuth, TILEDB_API_KEY_HEADER } from './auth.js';
import { ConfigError } from './errors.js';
import { DEFAULT_TILEDB_HOST, normalizeTileDBHost } from './host.js';
import { toValidationIssues } from './validate.js';

export type TileDBConfigSource = 'explicit' | 'env' | 'cloud.json' | 'default';

export interface TileDBExplicitConfig {
  host?: string | undefined;
  apiKey?: string | undefined;
  username?: string | undefined;
  password?: string | undefined;
}

/** The parts of `~/.tiledb/cloud.json` we read; `api_key` is keyed by header name. */
export const CloudJsonSchema = v.looseObject({
  api_key: v.optional(v.union([v.record(v.string(), v.string()), v.string()])),
  username: v.optional(v.nullable(v.string())),
  password: v.optional(v.nullable(v.string())),
  host: v.optional(v.nullable(v.string())),
  verify_ssl: v.optional(v.nullable(v.boolean())),
});
export type CloudJson = v.InferOutput<typeof CloudJsonSchema>;

export interface ResolveTileDBConfigInput {
  explicit?: TileDBExplicitConfig | undefined;
  env?: Record<string, string | undefined> | undefined;
  /** The parsed contents of cloud.json, when there is one. */
  cloudJson?: unknown;
}

export interface ResolvedTileDBConfig {
  /** Normalized: scheme included, no trailing slash, no version suffix. */
  host: string;
  auth?: AuthStrategy;
  /** Where each value came from (for `iamkit config show` and error messages). */
  sources: { host: TileDBConfigSource; auth?: Exclude<TileDBConfigSource, 'default'> };
}

function nonEmpty(value: string | null | undefined): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

interface SourceCredentials {
  apiKey?: string | undefined;
  username?: string | undefined;
  password?: string | undefined;
}

/** What each credential is called in a source, for error messages. */
type CredentialNames = Record<keyof SourceCredentials, string>;

function authFrom(creds: SourceCredentials, names: CredentialNames): AuthStrategy | undefined {
  try {
    if (creds.apiKey) return apiKeyAuth(creds.apiKey);
    if (creds.username && creds.password) {
      return basicAuth({ username: creds.username, password: creds.password });
    }
  } catch (error) {
    const which = creds.apiKey ? names.apiKey : `${names.username} / ${names.password}`;
    throw new ConfigError(`${which}: ${(error as Error).message}`, { cause: error });
  }
  if (creds.username)
    throw new ConfigError(`${names.username} is set but ${names.password} is not`);
  if (creds.password)
    throw new ConfigError(`${names.password} is set but ${names.username} is not`);
  return undefined;
}

function apiKeyFromCloudJson(apiKey: CloudJson['api_key']): string | undefined {
  if (typeof apiKey === 'string') return nonEmpty(apiKey);
  if (!apiKey) return undefined;
  const wanted = TILEDB_API_KEY_HEADER.toLowerCase();
  for (const [header, value] of Object.entries(apiKey)) {
    if (header.toLowerCase() === wanted) return nonEmpty(value);
  }
  return undefined;
}

/** Resolves host and auth from explicit options, env and cloud.json, in that order. */
export function resolveTileDBConfig(input: ResolveTileDBConfigInput = {}): ResolvedTileDBConfig {
  const explicit = input.explicit ?? {};
  const env = input.env ?? {};
  let cloud: CloudJson | undefined;
  if (input.cloudJson !== undefined && input.cloudJson !== null) {
    const parsed = v.safeParse(CloudJsonSchema, input.cloudJson);
    if (!parsed.success) {
      const issue = toValidationIssues(parsed.issues)[0];
      throw new ConfigError(
        `cloud.json is not a valid TileDB config: ${issue?.path ? `${issue.path}: ` : ''}${issue?.message ?? 'invalid'}`,
      );
    }
    cloud = parsed.output;
  }

  const hostCandidates: Array<[TileDBConfigSource, string | undefined]> = [
    ['explicit', nonEmpty(explicit.host)],
    ['env', nonEmpty(env['TILEDB_REST_HOST'])],
    ['cloud.json', nonEmpty(cloud?.host)],
    ['default', DEFAULT_TILEDB_HOST],
  ];
  const [hostSource, rawHost] = hostCandidates.find(([, value]) => value !== undefined) as [
    TileDBConfigSource,
    string,
  ];
  let host: string;
  try {
    host = normalizeTileDBHost(rawHost);
  } catch (error) {
    const where =
      hostSource === 'env'
        ? 'TILEDB_REST_HOST'
        : hostSource === 'cloud.json'
          ? 'cloud.json host'
          : 'host';
    throw new ConfigError(`${where}: ${(error as Error).message}`, { cause: error });
  }

  const authSources: Array<
    [Exclude<TileDBConfigSource, 'default'>, SourceCredentials, CredentialNames]
  > = [
    [
      'explicit',
      {
        apiKey: nonEmpty(explicit.apiKey),
        username: nonEmpty(explicit.username),
        password: nonEmpty(explicit.password),
      },
      { apiKey: 'apiKey', username: 'username', password: 'password' },
    ],
    [
      'env',
      {
        apiKey: nonEmpty(env['TILEDB_REST_TOKEN']),
        username: nonEmpty(env['TILEDB_REST_USERNAME']),
        password: nonEmpty(env['TILEDB_REST_PASSWORD']),
      },
      {
        apiKey: 'TILEDB_REST_TOKEN',
        username: 'TILEDB_REST_USERNAME',
        password: 'TILEDB_REST_PASSWORD',
      },
    ],
    [
      'cloud.json',
      {
        apiKey: apiKeyFromCloudJson(cloud?.api_key),
        username: nonEmpty(cloud?.username),
        password: nonEmpty(cloud?.password),
      },
      {
        apiKey: 'cloud.json api_key',
        username: 'cloud.json username',
        password: 'cloud.json password',
      },
    ],
  ];
  for (const [source, creds, names] of authSources) {
    const auth = authFrom(creds, names);
    if (auth) return { host, auth, sources: { host: hostSource, auth: source } };
  }
  return { host, sources: { host: hostSource } };
}
