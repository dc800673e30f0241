// What a browser app ships to read a TileDB group: the client, its models (members and
// metadata decoding included), the transport and API-key auth.
import { apiKeyAuth, GroupsClient } from '../dist/index.js';

const groups = new GroupsClient({
  auth: apiKeyAuth((globalThis as { TILEDB_REST_TOKEN?: string }).TILEDB_REST_TOKEN ?? ''),
});
export const contents = groups.retrieveGroup('tiledb://acme/genomics');
