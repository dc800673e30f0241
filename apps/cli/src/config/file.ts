/**
 * The profiles file: `$XDG_CONFIG_HOME/iamkit/config.json` (default
 * `~/.config/iamkit/config.json`), or the path in `IAMKIT_CONFIG`. Written atomically
 * (temp file + rename in the same directory) with mode 0600 in a 0700 directory, so a
 * crash never leaves half a file and other users never read a key.
 */
import { chmod, mkdir, open, readFile, realpath, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { CommandError, ExitCode } from '../errors.js';

/** Keys a profile can hold, as written by `iamkit config set KEY VALUE`. */
export const SETTING_KEYS = [
  'tiledb.host',
  'tiledb.api_key',
  'tiledb.username',
  'tiledb.password',
  'authress.url',
  'authress.access_key',
] as const;
export type SettingKey = (typeof SETTING_KEYS)[number];

export const SECRET_SETTINGS: ReadonlySet<SettingKey> = new Set([
  'tiledb.api_key',
  'tiledb.password',
  'authress.access_key',
]);

export function isSettingKey(key: string): key is SettingKey {
  return (SETTING_KEYS as readonly string[]).includes(key);
}

export type Profile = Partial<Record<SettingKey, string>>;

export interface ConfigFile {
  version: 1;
  profiles: Record<string, Profile>;
}

export function configPath(env: Record<string, string | undefined>, homeDir: string): string {
  return configLocation(env, homeDir).path;
}

/** The profiles file and why it is there (`env IAMKIT_CONFIG`, `env XDG_CONFIG_HOME`, `default`). */
export function configLocation(
  env: Record<string, string | undefined>,
  homeDir: string,
): { path: string; source: string } {
  if (env['IAMKIT_CONFIG']) return { path: env['IAMKIT_CONFIG'], source: 'env IAMKIT_CONFIG' };
  const xdg = env['XDG_CONFIG_HOME'];
  // The XDG spec says a relative XDG_CONFIG_HOME is invalid and must be ignored.
  if (xdg?.startsWith('/')) {
    return { path: join(xdg, 'iamkit', 'config.json'), source: 'env XDG_CONFIG_HOME' };
  }
  return { path: join(homeDir, '.config', 'iamkit', 'config.json'), source: 'default' };
}

function invalid(path: string, why: string): CommandError {
  return new CommandError(
    `cannot read ${path}: ${why}`,
    ExitCode.error,
    'fix it, or move it aside and run `iamkit login` to start a new one',
  );
}

/** Reads the file; a missing file is an empty config. Unknown keys are dropped with no error. */
export async function readConfigFile(path: string): Promise<ConfigFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return { version: 1, profiles: Object.create(null) };
    }
    throw invalid(path, (error as Error).message);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw invalid(path, 'it is not valid JSON');
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw invalid(path, 'expected a JSON object');
  }
  const profilesIn = (data as { profiles?: unknown }).profiles ?? {};
  if (typeof profilesIn !== 'object' || profilesIn === null || Array.isArray(profilesIn)) {
    throw invalid(path, '"profiles" must be an object');
  }
  // No prototype: a profile named "__proto__" or "toString" is a profile like any other, not
  // the object's prototype or an inherited method.
  const profiles: Record<string, Profile> = Object.create(null);
  for (const [name, raw] of Object.entries(profilesIn as Record<string, unknown>)) {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      throw invalid(path, `profile "${name}" must be an object`);
    }
    const profile: Profile = {};
    for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
      if (!isSettingKey(key)) continue;
      if (typeof value !== 'string')
        throw invalid(path, `profiles.${name}.${key} must be a string`);
      profile[key] = value;
    }
    profiles[name] = profile;
  }
  return { version: 1, profiles };
}

/**
 * Writes the whole file atomically, mode 0600. A config file that is a symlink (a dotfile
 * manager's) is written through: the file it points to changes, the link stays.
 */
export async function writeConfigFile(linkOrPath: string, config: ConfigFile): Promise<void> {
  const path = await realpath(linkOrPath).catch(() => linkOrPath);
  const dir = dirname(path);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const temp = join(dir, `.config.json.${process.pid}.${Date.now()}.tmp`);
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(`${JSON.stringify(config, null, 2)}\n`, 'utf8');
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(temp, { force: true });
    throw error;
  }
  await handle.close();
  try {
    await chmod(temp, 0o600); // umask cannot widen it, but be explicit
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

const LOCK_STALE_MS = 10_000;
const LOCK_WAIT_MS = 5_000;

/**
 * Serializes read-modify-write cycles between concurrent `iamkit` processes (a script that
 * runs `config set` in parallel must not lose an update). A lock older than 10 s is stale.
 */
async function withLock<T>(path: string, work: () => Promise<T>): Promise<T> {
  const lock = `${path}.lock`;
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      await (await open(lock, 'wx', 0o600)).close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const age = await stat(lock).then(
        (s) => Date.now() - s.mtimeMs,
        () => 0,
      );
      if (age > LOCK_STALE_MS) await rm(lock, { force: true });
      else if (Date.now() > deadline) {
        throw new CommandError(
          `${path} is locked by another iamkit process`,
          ExitCode.error,
          `if no other iamkit is running, delete ${lock}`,
        );
      } else await new Promise((resolve) => setTimeout(resolve, 25 + Math.random() * 50));
    }
  }
  try {
    return await work();
  } finally {
    await rm(lock, { force: true });
  }
}

/** Reads, changes one profile, writes back (under a lock). `undefined` values delete keys. */
export function updateProfile(
  path: string,
  profileName: string,
  changes: Partial<Record<SettingKey, string | undefined>>,
): Promise<Profile> {
  return withLock(path, () => applyChanges(path, profileName, changes));
}

async function applyChanges(
  path: string,
  profileName: string,
  changes: Partial<Record<SettingKey, string | undefined>>,
): Promise<Profile> {
  const config = await readConfigFile(path);
  const existing = config.profiles[profileName];
  // Removing settings from a profile that is not there changes nothing, and creates nothing.
  if (existing === undefined && Object.values(changes).every((value) => value === undefined)) {
    return {};
  }
  const profile: Profile = { ...existing };
  for (const [key, value] of Object.entries(changes) as [SettingKey, string | undefined][]) {
    if (value === undefined) delete profile[key];
    else profile[key] = value;
  }
  config.profiles[profileName] = profile;
  await writeConfigFile(path, config);
  return profile;
}
