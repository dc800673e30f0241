/** `@iamkit/groups/node`: a client configured from ~/.tiledb/cloud.json, as TileDB users have it. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GroupsClient } from '../src/index.js';
import { loadTileDBConfig } from '../src/node.js';
import { useMockServer } from './helpers.js';

const t = useMockServer();
let home: string;
beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'iamkit-groups-home-'));
});
afterAll(async () => {
  await rm(home, { recursive: true, force: true });
});

describe('loadTileDBConfig from @iamkit/groups/node', () => {
  it('reads cloud.json (api_key keyed by header name) when the environment has nothing', async () => {
    await mkdir(join(home, '.tiledb'), { recursive: true });
    await writeFile(
      join(home, '.tiledb', 'cloud.json'),
      JSON.stringify({
        api_key: { 'X-TILEDB-REST-API-KEY': 'demo-api-key' },
        host: t.server.url,
        verify_ssl: true,
      }),
    );
    const { host, auth, sources } = await loadTileDBConfig({ env: {}, homeDir: home });
    expect(sources).toEqual({ host: 'cloud.json', auth: 'cloud.json' });
    const groups = new GroupsClient({ baseUrl: host, auth });
    const created = await groups.createGroup('demo', 'configured');
    expect(created.tiledb_uri).toBe('tiledb://demo/configured');
  });

  it('the environment comes first, as in the TileDB tools', async () => {
    const { auth, sources } = await loadTileDBConfig({
      env: { TILEDB_REST_HOST: t.server.url, TILEDB_REST_TOKEN: 'demo-member-key' },
      homeDir: home,
    });
    expect(sources).toEqual({ host: 'env', auth: 'env' });
    const groups = new GroupsClient({ baseUrl: t.server.url, auth });
    await expect(groups.createGroup('demo-member', 'mine')).resolves.toMatchObject({
      name: 'mine',
    });
  });
});
