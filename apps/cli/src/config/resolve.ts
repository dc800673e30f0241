/**
 * Which value each setting takes, and where it came from. Precedence, highest first:
 *   1. flags (`--host`, `--authress-url`)
 *   2. environment (TILEDB_REST_TOKEN, TILEDB_REST_HOST, TILEDB_REST_USERNAME,
 *      TILEDB_REST_PASSWORD, AUTHRESS_URL, AUTHRESS_ACCESS_KEY)
 *   3. the profile (`--profile`, IAMKIT_PROFILE, else "default") in the config file
 *   4. `~/.tiledb/cloud.json` (TileDB settings only), as the TileDB Python client writes it;
 *      one that cannot be read or used is ignored with a warning
 *   5. defaults (host https://api.tiledb.com)
 * TileDB credentials are taken as a set from the highest layer that has any (an API key
 * beats username/password within a layer), so a password from one place never pairs
 * with a username from another.
 */
import {
  type Profile,
  readConfigFile,
  SECRET_SETTINGS,
  SETTING_KEYS,
  type SettingKey,
} from './file.js';
import { readTileDBLayers } from './tiledb-layers.js';

export type SourceKind = 'flag' | 'env' | 'profile' | 'cloud.json' | 'default';

export interface Setting {
  key: SettingKey;
  value: string | undefined;
  /** Where the value came from, e.g. `env TILEDB_REST_HOST`, `profile work`, `default`. */
  source: string | undefined;
  kind: SourceKind | undefined;
  secret: boolean;
}

export type TileDBCredentials = { source: string; layer: SourceKind } & (
  | { kind: 'api_key'; apiKey: string }
  | { kind: 'basic'; username: string; password: string }
);

export interface ResolvedConfig {
  profile: string;
  /** How the profile was picked: `flag --profile`, `env IAMKIT_PROFILE` or `default`. */
  profileSource: string;
  /** The profile's own settings as saved in the config file; undefined when it is not there. */
  saved: Profile | undefined;
  /** The names of the profiles saved in the config file. */
  profiles: string[];
  configPath: string;
  settings: Record<SettingKey, Setting>;
  tiledbHost: string;
  tiledbCredentials: TileDBCredentials | undefined;
  authressUrl: string | undefined;
  authressAccessKey: string | undefined;
  /**
   * `~/.tiledb/cloud.json`: `source` is how it is named to the user; `ignored` says why none
   * of its values were used when it exists but cannot be read or used (bad JSON, a /v1 host,
   * wrong types). Never an error: the lowest layer must not block a command. `hasCredentials`:
   * whether it holds credentials, whichever layer wins.
   */
  cloudJson: { path: string; source: string; ignored: string | undefined; hasCredentials: boolean };
  /**
   * What is wrong with the TILEDB_REST_* variables (a bad host, half a username/password
   * pair). Raised by the commands that talk to TileDB; the others run, and `config list`
   * shows it.
   */
  tiledbEnvError: Error | undefined;
}

export const DEFAULT_TILEDB_HOST = 'https://api.tiledb.com';

type LayerValues = Partial<Record<SettingKey, { value: string; source: string }>>;
interface Layer {
  kind: SourceKind;
  values: LayerValues;
}

export interface ResolveInput {
  flags: { host?: string; authressUrl?: string; profile?: string };
  env: Record<string, string | undefined>;
  homeDir: string;
  configPath: string;
}

const nonEmpty = (value: string | undefined): value is string =>
  value !== undefined && value !== '';

function profileLayer(profile: Profile | undefined, name: string): Layer {
  const values: LayerValues = {};
  for (const key of SETTING_KEYS) {
    const value = profile?.[key];
    if (nonEmpty(value)) values[key] = { value, source: `profile ${name}` };
  }
  return { kind: 'profile', values };
}

function credentialsFrom(layer: Layer): TileDBCredentials | undefined {
  const { values } = layer;
  const apiKey = values['tiledb.api_key'];
  if (apiKey)
    return { kind: 'api_key', apiKey: apiKey.value, source: apiKey.source, layer: layer.kind };
  const username = values['tiledb.username'];
  const password = values['tiledb.password'];
  if (username && password) {
    const source =
      username.source === password.source
        ? username.source
        : `${username.source}, ${password.source}`;
    return {
      kind: 'basic',
      username: username.value,
      password: password.value,
      source,
      layer: layer.kind,
    };
  }
  return undefined;
}

export function profileSelection(
  flags: { profile?: string },
  env: Record<string, string | undefined>,
): { profile: string; source: string } {
  if (nonEmpty(flags.profile)) return { profile: flags.profile, source: 'flag --profile' };
  if (nonEmpty(env['IAMKIT_PROFILE']))
    return { profile: env['IAMKIT_PROFILE'], source: 'env IAMKIT_PROFILE' };
  return { profile: 'default', source: 'default' };
}

export async function resolveConfig(input: ResolveInput): Promise<ResolvedConfig> {
  const { profile, source: profileSource } = profileSelection(input.flags, input.env);
  const file = await readConfigFile(input.configPath);
  const tiledb = await readTileDBLayers(input.env, input.homeDir);

  const flagValues: LayerValues = {};
  if (nonEmpty(input.flags.host))
    flagValues['tiledb.host'] = { value: input.flags.host, source: 'flag --host' };
  if (nonEmpty(input.flags.authressUrl))
    flagValues['authress.url'] = { value: input.flags.authressUrl, source: 'flag --authress-url' };

  const envValues: LayerValues = { ...tiledb.env };
  for (const [key, name] of [
    ['authress.url', 'AUTHRESS_URL'],
    ['authress.access_key', 'AUTHRESS_ACCESS_KEY'],
  ] as const) {
    const value = input.env[name];
    if (nonEmpty(value)) envValues[key] = { value, source: `env ${name}` };
  }

  const layers: Layer[] = [
    { kind: 'flag', values: flagValues },
    { kind: 'env', values: envValues },
    profileLayer(file.profiles[profile], profile),
    { kind: 'cloud.json', values: tiledb.cloudJson },
    {
      kind: 'default',
      values: { 'tiledb.host': { value: DEFAULT_TILEDB_HOST, source: 'default' } },
    },
  ];

  const settings = {} as Record<SettingKey, Setting>;
  for (const key of SETTING_KEYS) {
    const layer = layers.find((l) => l.values[key] !== undefined);
    const found = layer?.values[key];
    settings[key] = {
      key,
      value: found?.value,
      source: found?.source,
      kind: layer?.kind,
      secret: SECRET_SETTINGS.has(key),
    };
  }

  let tiledbCredentials: TileDBCredentials | undefined;
  for (const layer of layers) {
    tiledbCredentials = credentialsFrom(layer);
    if (tiledbCredentials) break;
  }

  return {
    profile,
    profileSource,
    saved: file.profiles[profile],
    profiles: Object.keys(file.profiles),
    configPath: input.configPath,
    settings,
    tiledbHost: settings['tiledb.host'].value ?? DEFAULT_TILEDB_HOST,
    tiledbCredentials,
    authressUrl: settings['authress.url'].value,
    authressAccessKey: settings['authress.access_key'].value,
    cloudJson: {
      path: tiledb.cloudJsonPath,
      source: tiledb.cloudJsonSource,
      ignored: tiledb.cloudJsonIgnored,
      hasCredentials:
        credentialsFrom({ kind: 'cloud.json', values: tiledb.cloudJson }) !== undefined,
    },
    tiledbEnvError: tiledb.envError,
  };
}
