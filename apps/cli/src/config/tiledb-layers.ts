/**
 * The TileDB settings from the environment and from `~/.tiledb/cloud.json`. Reading and
 * validation are the transport's (`resolveTileDBConfig`, `readTileDBCloudJson`), so the CLI
 * and the library agree on every rule (half a username/password pair is an error, a host
 * ending in /v1 is refused, `api_key` is keyed by header name). Each source is resolved on
 * its own so the profile can sit between them.
 *
 * cloud.json is the lowest layer and belongs to another tool (the TileDB Python client): one
 * that cannot be read or used is ignored as a whole, with the reason, never an error. A
 * command that needed a value from it then finds the value unset (e.g. "not logged in").
 */
import type { CloudJson } from '@iamkit/transport';
import type { SettingKey } from './file.js';

export type LayerValues = Partial<Record<SettingKey, { value: string; source: string }>>;

const ENV_NAMES = [
  ['tiledb.host', 'TILEDB_REST_HOST'],
  ['tiledb.api_key', 'TILEDB_REST_TOKEN'],
  ['tiledb.username', 'TILEDB_REST_USERNAME'],
  ['tiledb.password', 'TILEDB_REST_PASSWORD'],
] as const;

const present = (value: string | null | undefined): value is string =>
  typeof value === 'string' && value.trim() !== '';

export async function readTileDBLayers(
  env: Record<string, string | undefined>,
  homeDir: string,
): Promise<{
  env: LayerValues;
  cloudJson: LayerValues;
  cloudJsonPath: string;
  /** How cloud.json is named to the user: `~/.tiledb/cloud.json` under HOME. */
  cloudJsonSource: string;
  /** Why cloud.json was ignored (no path, no value from it), when it was. */
  cloudJsonIgnored: string | undefined;
  /** What is wrong with the TILEDB_REST_* variables, when something is. */
  envError: Error | undefined;
}> {
  const { resolveTileDBConfig, TILEDB_API_KEY_HEADER } = await import('@iamkit/transport');
  const { readTileDBCloudJson, tiledbCloudJsonPath } = await import('@iamkit/transport/node');

  const tiledbEnv: Record<string, string | undefined> = {};
  for (const [, name] of ENV_NAMES) tiledbEnv[name] = env[name];
  let fromEnv: ReturnType<typeof resolveTileDBConfig> | undefined;
  let envError: Error | undefined;
  try {
    fromEnv = resolveTileDBConfig({ env: tiledbEnv });
  } catch (error) {
    // Kept for the commands that talk to TileDB: `config list` (which shows it) and the
    // Authress commands still run.
    if (!(error instanceof Error) || error.name !== 'ConfigError') throw error;
    envError = error;
  }
  const envValues: LayerValues = {};
  for (const [key, name] of ENV_NAMES) {
    const value = env[name];
    if (present(value)) envValues[key] = { value, source: `env ${name}` };
  }
  if (envValues['tiledb.host'] && fromEnv) envValues['tiledb.host'].value = fromEnv.host;

  const path = tiledbCloudJsonPath(homeDir);
  const source = path.startsWith(`${homeDir}/`) ? `~${path.slice(homeDir.length)}` : path;
  const cloudValues: LayerValues = {};
  const result = (ignored?: string) => ({
    env: envValues,
    cloudJson: ignored === undefined ? cloudValues : {},
    cloudJsonPath: path,
    cloudJsonSource: source,
    cloudJsonIgnored: ignored,
    envError,
  });

  let raw: unknown;
  try {
    raw = await readTileDBCloudJson(path);
  } catch (error) {
    return result(unreadableReason(error, path));
  }
  if (raw === undefined) return result();
  let resolved: ReturnType<typeof resolveTileDBConfig>;
  try {
    resolved = resolveTileDBConfig({ cloudJson: raw });
  } catch (error) {
    // The transport's messages name fields, never values ("cloud.json host: The TileDB host
    // must not end in /v1 ..."); the file is named once, by the caller.
    const message = error instanceof Error ? error.message : String(error);
    return result(message.replace(/cloud\.json (?:is )?/g, ''));
  }
  const cloud = raw as CloudJson;
  if (present(cloud.host)) cloudValues['tiledb.host'] = { value: resolved.host, source };
  let apiKey: string | undefined;
  if (typeof cloud.api_key === 'string') apiKey = cloud.api_key;
  else if (cloud.api_key) {
    const wanted = TILEDB_API_KEY_HEADER.toLowerCase();
    apiKey = Object.entries(cloud.api_key).find(([header]) => header.toLowerCase() === wanted)?.[1];
  }
  if (present(apiKey)) cloudValues['tiledb.api_key'] = { value: apiKey, source };
  if (present(cloud.username)) cloudValues['tiledb.username'] = { value: cloud.username, source };
  if (present(cloud.password)) cloudValues['tiledb.password'] = { value: cloud.password, source };
  return result();
}

/** Why the file could not be read or parsed, without its path (the caller names it). */
function unreadableReason(error: unknown, path: string): string {
  const message = error instanceof Error ? error.message : String(error);
  if (message === `${path} is not valid JSON`) return 'not valid JSON';
  const code = (error as { cause?: { code?: unknown } }).cause?.code;
  return typeof code === 'string' ? `cannot read it (${code})` : 'cannot read it';
}
