import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
export const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

export const demoKey = { 'X-TILEDB-REST-API-KEY': 'demo-api-key' };
export const memberKey = { 'X-TILEDB-REST-API-KEY': 'demo-member-key' };

export function basic(username: string, password: string): Record<string, string> {
  return { Authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` };
}

export async function tempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'iamkit-mock-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export interface RunningBinary {
  child: ChildProcess;
  url: string;
  /** Every stdout line so far. */
  stdout: string[];
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `iamkit-mock` and resolves after its first stdout line. */
export function startBinary(args: string[]): Promise<RunningBinary> {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const stdout: string[] = [];
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      stdout.push(line);
      if (stdout.length === 1) {
        const match = /^listening on (http:\/\/\S+)$/.exec(line);
        if (!match) reject(new Error(`unexpected first line: ${line}`));
        else resolve({ child, url: match[1]!, stdout, stderr: () => stderr, exited });
      }
    });
    exited.then(({ code }) => {
      if (stdout.length === 0) reject(new Error(`exited with ${code} before listening: ${stderr}`));
    });
  });
}

/** Runs `iamkit-mock` to completion (for usage errors and keygen). */
export function runBinary(
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}
