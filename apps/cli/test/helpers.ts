/**
 * e2e harness: the real mock server on port 0, a temporary HOME, a clean environment,
 * and the BUILT binary (`dist/bin.js`) run as a subprocess. Build first:
 * `pnpm --filter @iamkit/cli... build`.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultSeed, type MockServer, type SeedInput, startMockServer } from '@iamkit/mock-server';

export const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
export const TRACE_HOOK = fileURLToPath(new URL('./fixtures/trace-loads.mjs', import.meta.url));

if (!existsSync(BIN)) {
  throw new Error(`${BIN} is missing: run \`pnpm --filter @iamkit/cli... build\` first`);
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Written to stdin, which is then closed. */
  input?: string;
  /** Added to (or, with undefined values, removed from) the clean env. */
  env?: Record<string, string | undefined>;
  /** Extra node flags, e.g. `['--import', TRACE_HOOK]`. */
  nodeArgs?: string[];
}

/** Runs `node dist/bin.js ...args` with only PATH, HOME and the given env. */
export function runBin(home: string, args: readonly string[], options: RunOptions = {}) {
  const env: Record<string, string> = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: home };
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return new Promise<RunResult>((resolve, reject) => {
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), BIN, ...args], {
      env,
      cwd: home,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

export interface CliHarness {
  server: MockServer;
  home: string;
  /** Runs the binary with HOME=home and the clean env. */
  run(args: readonly string[], options?: RunOptions): Promise<RunResult>;
  /** Runs the binary and returns stdout; throws unless it exits 0 with nothing on stderr. */
  ok(args: readonly string[], options?: RunOptions): Promise<string>;
  /** `iamkit login --host <server> --api-key <key>` in the given profile. */
  login(apiKey?: string, profile?: string): Promise<void>;
  /** Writes `~/.tiledb/cloud.json`. */
  writeCloudJson(content: unknown): Promise<void>;
  readConfig(): Promise<unknown>;
  configPath: string;
  close(): Promise<void>;
}

export async function startCli(options: { seed?: SeedInput } = {}): Promise<CliHarness> {
  const server = await startMockServer({ port: 0, ...(options.seed && { seed: options.seed }) });
  const home = await mkdtemp(join(tmpdir(), 'iamkit-cli-'));
  const configPath = join(home, '.config', 'iamkit', 'config.json');
  const harness: CliHarness = {
    server,
    home,
    configPath,
    run: (args, runOptions) => runBin(home, args, runOptions),
    async ok(args, runOptions) {
      const result = await runBin(home, args, runOptions);
      if (result.code !== 0 || result.stderr !== '') {
        throw new Error(
          `iamkit ${args.join(' ')} exited ${result.code}, stderr: ${JSON.stringify(result.stderr)}`,
        );
      }
      return result.stdout;
    },
    async login(apiKey = 'demo-api-key', profile) {
      const result = await runBin(home, [
        'login',
        '--host',
        server.url,
        '--api-key',
        apiKey,
        ...(profile ? ['--profile', profile] : []),
      ]);
      if (result.code !== 0) throw new Error(`login failed: ${result.stderr}`);
    },
    async writeCloudJson(content) {
      await mkdir(join(home, '.tiledb'), { recursive: true });
      await writeFile(join(home, '.tiledb', 'cloud.json'), JSON.stringify(content));
    },
    async readConfig() {
      return JSON.parse(await readFile(configPath, 'utf8'));
    },
    async close() {
      await server.close();
      await rm(home, { recursive: true, force: true });
    },
  };
  return harness;
}

/** The default seed plus extra users (e.g. one whose API key is a canary). */
export function seedWith(users: NonNullable<SeedInput['users']>): SeedInput {
  const base = defaultSeed();
  return { ...base, users: [...(base.users ?? []), ...users] };
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: detecting ANSI escapes is the point
export const ANSI = /\u001b\[/;
