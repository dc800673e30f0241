/// <reference types="node" />
/**
 * Node-only helpers: reads `~/.tiledb/cloud.json`. Browser bundles never load this entry.
 */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import {
  type ResolvedTileDBConfig,
  resolveTileDBConfig,
  type TileDBExplicitConfig,
} from './config.js';
import { ConfigError } from './errors.js';

export interface LoadTileDBConfigOptions {
  explicit?: TileDBExplicitConfig | undefined;
  env?: Record<string, string | undefined> | undefined;
  homeDir?: string | undefined;
  /** Overrides `<homeDir>/.tiledb/cloud.json`. */
  cloudJsonPath?: string | undefined;
}

export interface LoadedTileDBConfig extends ResolvedTileDBConfig {
  /** The cloud.json that was read, if one existed. */
  cloudJsonPath: string | undefined;
}

/** The cloud.json path for a home directory. */
export function tiledbCloudJsonPath(homeDir: string = homedir()): string {
  return join(homeDir, '.tiledb', 'cloud.json');
}

/** Reads and parses cloud.json; undefined when the file does not exist. */
export async function readTileDBCloudJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ConfigError(
      `Could not read ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`,
      {
        cause: error,
      },
    );
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    // The parser's message can quote the file's text, which holds the API key.
    throw new ConfigError(`${path} is not valid JSON`, {
      cause: new SyntaxError(error instanceof Error ? error.name : 'invalid JSON'),
    });
  }
}

/** {@link resolveTileDBConfig} with `process.env` and `~/.tiledb/cloud.json` filled in. */
export async function loadTileDBConfig(
  options: LoadTileDBConfigOptions = {},
): Promise<LoadedTileDBConfig> {
  const path = options.cloudJsonPath ?? tiledbCloudJsonPath(options.homeDir ?? homedir());
  const cloudJson = await readTileDBCloudJson(path);
  let resolved: ResolvedTileDBConfig;
  try {
    resolved = resolveTileDBConfig({
      explicit: options.explicit,
      env: options.env ?? process.env,
      cloudJson,
    });
  } catch (error) {
    if (error instanceof ConfigError && error.message.startsWith('cloud.json')) {
      throw new ConfigError(error.message.replace(/^cloud\.json/, path), { cause: error });
    }
    throw error;
  }
  return { ...resolved, cloudJsonPath: cloudJson === undefined ? undefined : path };
}

export type { ResolvedTileDBConfig, TileDBExplicitConfig } from './config.js';
