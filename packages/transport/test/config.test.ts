import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  ConfigError,
  DEFAULT_TILEDB_HOST,
  normalizeTileDBHost,
  resolveTileDBConfig,
  Transport,
} from '../src/index.js';
import { loadTileDBConfig, tiledbCloudJsonPath } from '../src/node.js';
import { sendJson, startServer, type TestServer } from './helpers/server.js';

describe('normalizeTileDBHost', () => {
  it.each([
    ['api.tiledb.com', 'https://api.tiledb.com'],
    ['https://api.tiledb.com/', 'https://api.tiledb.com'],
    ['http://localhost:8080', 'http://localhost:8080'],
    ['  example.com/proxy/tiledb// ', 'https://example.com/proxy/tiledb'],
  ])('%s -> %s', (input, output) => {
    expect(normalizeTileDBHost(input)).toBe(output);
  });

  it.each(['https://api.tiledb.com/v1', 'api.tiledb.com/v2/', 'http://h/x/V4'])(
    'rejects the version suffix in %s',
    (host) => {
      expect(() => normalizeTileDBHost(host)).toThrow(ConfigError);
      expect(() => normalizeTileDBHost(host)).toThrow(
        /must not end in \/v[124]: each operation adds its own/i,
      );
    },
  );

  it.each([
    ['', /empty/],
    ['ftp://h', /http or https/],
    ['https://user:pw@h', /credentials/],
    ['https://h?x=1', /query/],
    ['http://[bad', /not a valid URL/],
    ['https://u:hunter2-secret@h .com', /not a valid URL: https:\/\/u:\[REDACTED\]@h \.com$/],
  ])('rejects %j', (host, message) => {
    expect(() => normalizeTileDBHost(host)).toThrow(message);
  });
});

describe('resolveTileDBConfig precedence', () => {
  const env = {
    TILEDB_REST_TOKEN: 'env-token',
    TILEDB_REST_HOST: 'env.example.com',
    TILEDB_REST_USERNAME: 'env-user',
    TILEDB_REST_PASSWORD: 'env-pass',
  };
  const cloudJson = {
    api_key: { 'X-TILEDB-REST-API-KEY': 'file-key' },
    host: 'https://file.example.com',
    username: 'file-user',
    password: 'file-pass',
    verify_ssl: true,
  };

  it('prefers explicit options', () => {
    const config = resolveTileDBConfig({
      explicit: { host: 'explicit.example.com', apiKey: 'explicit-key' },
      env,
      cloudJson,
    });
    expect(config.host).toBe('https://explicit.example.com');
    expect(config.auth?.kind).toBe('apiKey');
    expect(config.sources).toEqual({ host: 'explicit', auth: 'explicit' });
  });

  it('then the environment, token before username and password', () => {
    const config = resolveTileDBConfig({ env, cloudJson });
    expect(config.host).toBe('https://env.example.com');
    expect(config.auth?.kind).toBe('apiKey');
    expect(config.sources).toEqual({ host: 'env', auth: 'env' });
    const basic = resolveTileDBConfig({ env: { ...env, TILEDB_REST_TOKEN: '' }, cloudJson });
    expect(basic.auth?.kind).toBe('basic');
    expect(basic.sources.auth).toBe('env');
  });

  it('then cloud.json, whose api_key is keyed by header name', () => {
    const config = resolveTileDBConfig({ env: {}, cloudJson });
    expect(config.host).toBe('https://file.example.com');
    expect(config.auth?.kind).toBe('apiKey');
    expect(config.sources).toEqual({ host: 'cloud.json', auth: 'cloud.json' });
    const basic = resolveTileDBConfig({ cloudJson: { ...cloudJson, api_key: {} } });
    expect(basic.auth?.kind).toBe('basic');
  });

  it('then the default host, with no auth', () => {
    expect(resolveTileDBConfig({})).toEqual({
      host: DEFAULT_TILEDB_HOST,
      sources: { host: 'default' },
    });
  });

  it('mixes sources field by field: explicit key with the env host', () => {
    const config = resolveTileDBConfig({
      explicit: { apiKey: 'k' },
      env: { TILEDB_REST_HOST: 'http://localhost:9' },
    });
    expect(config.host).toBe('http://localhost:9');
    expect(config.sources).toEqual({ host: 'env', auth: 'explicit' });
  });

  it('explains half-given credentials and bad hosts', () => {
    expect(() => resolveTileDBConfig({ env: { TILEDB_REST_USERNAME: 'u' } })).toThrow(
      'TILEDB_REST_USERNAME is set but TILEDB_REST_PASSWORD is not',
    );
    expect(() => resolveTileDBConfig({ cloudJson: { password: 'p' } })).toThrow(
      'cloud.json password is set but cloud.json username is not',
    );
    let error: Error | undefined;
    try {
      resolveTileDBConfig({ env: { TILEDB_REST_TOKEN: 'secret-canary\nX: 1' } });
    } catch (e) {
      error = e as Error;
    }
    expect(error?.message).toBe(
      'TILEDB_REST_TOKEN: The TileDB API key contains characters that cannot be sent in an HTTP header',
    );
    expect(JSON.stringify(error)).not.toContain('secret-canary');
    expect(() =>
      resolveTileDBConfig({ env: { TILEDB_REST_HOST: 'https://api.tiledb.com/v1' } }),
    ).toThrow(/^TILEDB_REST_HOST: The TileDB host must not end in \/v1/);
    expect(() => resolveTileDBConfig({ cloudJson: { host: 42 } })).toThrow(
      /cloud\.json is not a valid TileDB config: host/,
    );
  });
});

describe('loadTileDBConfig with a temporary HOME', () => {
  let home: string;
  let server: TestServer;
  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'iamkit-home-'));
    server = await startServer((req, res) =>
      sendJson(res, 200, { key: req.headers['x-tiledb-rest-api-key'] ?? null }),
    );
  });
  afterAll(async () => {
    await rm(home, { recursive: true, force: true });
    await server.close();
  });
  afterEach(async () => {
    await rm(join(home, '.tiledb'), { recursive: true, force: true });
  });

  async function writeCloudJson(content: string) {
    await mkdir(join(home, '.tiledb'), { recursive: true });
    await writeFile(tiledbCloudJsonPath(home), content);
  }

  it('uses the default host when there is no file and no env', async () => {
    const config = await loadTileDBConfig({ env: {}, homeDir: home });
    expect(config).toEqual({
      host: DEFAULT_TILEDB_HOST,
      sources: { host: 'default' },
      cloudJsonPath: undefined,
    });
  });

  it('reads ~/.tiledb/cloud.json and its key reaches the server', async () => {
    await writeCloudJson(
      JSON.stringify({ api_key: { 'X-TILEDB-REST-API-KEY': 'from-file' }, host: server.url }),
    );
    const config = await loadTileDBConfig({ env: {}, homeDir: home });
    expect(config.cloudJsonPath).toBe(join(home, '.tiledb', 'cloud.json'));
    expect(config.sources).toEqual({ host: 'cloud.json', auth: 'cloud.json' });
    const transport = new Transport({
      baseUrl: config.host,
      ...(config.auth ? { auth: config.auth } : {}),
    });
    expect(await transport.request({ method: 'GET', path: '/v1/ping' })).toEqual({
      key: 'from-file',
    });
  });

  it('lets the environment override the file, and explicit options override both', async () => {
    await writeCloudJson(
      JSON.stringify({
        api_key: { 'X-TILEDB-REST-API-KEY': 'from-file' },
        host: 'file.example.com',
      }),
    );
    const fromEnv = await loadTileDBConfig({
      env: { TILEDB_REST_TOKEN: 'from-env', TILEDB_REST_HOST: server.url },
      homeDir: home,
    });
    expect(fromEnv.sources).toEqual({ host: 'env', auth: 'env' });
    const transport = new Transport({
      baseUrl: fromEnv.host,
      ...(fromEnv.auth ? { auth: fromEnv.auth } : {}),
    });
    expect(await transport.request({ method: 'GET', path: '/v1/ping' })).toEqual({
      key: 'from-env',
    });
    const explicit = await loadTileDBConfig({
      explicit: { apiKey: 'from-flag' },
      env: { TILEDB_REST_TOKEN: 'from-env' },
      homeDir: home,
    });
    expect(explicit.sources).toEqual({ host: 'cloud.json', auth: 'explicit' });
  });

  it('reads process.env by default', async () => {
    const saved = process.env['TILEDB_REST_HOST'];
    process.env['TILEDB_REST_HOST'] = 'process-env.example.com';
    try {
      expect((await loadTileDBConfig({ homeDir: home })).host).toBe(
        'https://process-env.example.com',
      );
    } finally {
      if (saved === undefined) delete process.env['TILEDB_REST_HOST'];
      else process.env['TILEDB_REST_HOST'] = saved;
    }
  });

  it('reports a broken file by path without quoting it', async () => {
    await writeCloudJson('{"api_key": {"X-TILEDB-REST-API-KEY": "leaky-canary-key"');
    const error = await loadTileDBConfig({ env: {}, homeDir: home }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe(`${tiledbCloudJsonPath(home)} is not valid JSON`);
    expect(JSON.stringify(error)).not.toContain('leaky-canary-key');
  });

  it('names the file and field of a wrong type', async () => {
    await writeCloudJson(JSON.stringify({ username: ['x'] }));
    await expect(loadTileDBConfig({ env: {}, homeDir: home })).rejects.toThrow(
      `${tiledbCloudJsonPath(home)} is not a valid TileDB config: username`,
    );
  });
});
