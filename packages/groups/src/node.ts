/**
 * Node only: TileDB configuration the way the TileDB tools read it (explicit options, then
 * the `TILEDB_REST_*` variables, then `~/.tiledb/cloud.json`, then https://api.tiledb.com),
 * so an app needs no second dependency to configure a client as its users already do.
 * Browser bundles never load this entry.
 *
 * ```ts
 * const { host, auth } = await loadTileDBConfig();
 * const groups = new GroupsClient({ baseUrl: host, auth });
 * ```
 */
export {
  type LoadedTileDBConfig,
  type LoadTileDBConfigOptions,
  loadTileDBConfig,
} from '@iamkit/transport/node';
