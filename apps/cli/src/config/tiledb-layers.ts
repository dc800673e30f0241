/**
 * The TileDB settings from the environment and from `~/.tiledb/cloud.json`. Reading and
 * validation are the transport's (`resolveTileDBConfig`, `readTileDBCloudJson`), so the CLI
 * and the library agree on every rule (half a username/password pair is an error, a host
 * ending in /v1 is refused, `api_key` is keyed by header name). Each source is resolved on
 * its own so the profile can sit between them.
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
): Promise<{ env: LayerValues; cloudJson: LayerValues; cloudJsonPath: string }> {
  const { resolveTileDBConfig, TILEDB_API_KEY_HEADER } = await import('@iamkit/transport');
  const { readTileDBCloudJson, tiledbCloudJsonPath } = await import('@iamkit/transport/node');

  const tiledbEnv: Record<string, string | undefined> = {};
  for (const [, name] of ENV_NAMES) tiledbEnv[name] = env[name];
  const fromEnv = resolveTileDBConfig({ env: tiledbEnv }); // throws ConfigError on bad values
  const envValues: LayerValues = {};
  for (const [key, name] of ENV_NAMES) {
    const value = env[name];
    if (present(value)) envValues[key] = { value, source: `env ${name}` };
  }
  if (envValues['tiledb.host']) envValues['tiledb.host'].value = fromEnv.host;

  const path = tiledbCloudJsonPath(homeDir);
  const raw = await readTileDBCloudJson(path);
  const cloudValues: LayerValues = {};
  if (raw !== undefined) {
    let resolved: ReturnType<typeof resolveTileDBConfig>;
    try {
      resolved = resolveTileDBConfig({ cloudJson: raw });
    } catch (error) {
      const { ConfigError } = await import('@iamkit/transport');
      const message = error instanceof Error ? error.message : String(error);
      throw new ConfigError(message.replace(/^cloud\.json/, path), { cause: error });
    }
    const cloud = raw as CloudJson;
    const source = path.startsWith(`${homeDir}/`) ? `~${path.slice(homeDir.length)}` : path;
    if (present(cloud.host)) cloudValues['tiledb.host'] = { value: resolved.host, source };
    let apiKey: string | undefined;
    if (typeof cloud.api_key === 'string') apiKey = cloud.api_key;
    else if (cloud.api_key) {
      const wanted = TILEDB_API_KEY_HEADER.toLowerCase();
      apiKey = Object.entries(cloud.api_key).find(
        ([header]) => header.toLowerCase() === wanted,
      )?.[1];
    }
    if (present(apiKey)) cloudValues['tiledb.api_key'] = { value: apiKey, source };
    if (present(cloud.username)) cloudValues['tiledb.username'] = { value: cloud.username, source };
    if (present(cloud.password)) cloudValues['tiledb.password'] = { value: cloud.password, source };
  }
  return { env: envValues, cloudJson: cloudValues, cloudJsonPath: path };
}
