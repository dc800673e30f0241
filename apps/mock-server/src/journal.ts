/**
 * Durable state on disk: a snapshot file plus an append-only journal beside it.
 *
 * - `FILE` holds a snapshot `{format, version, seq, state}`. It is only ever replaced
 *   by writing `FILE.tmp`, fsyncing it, renaming it over `FILE` and fsyncing the
 *   directory, so a crash leaves either the old or the new snapshot, never a mix.
 * - `FILE.journal` holds one JSON line `{seq, ops}` per acknowledged write. A write is
 *   acknowledged only after its line is fsynced. Concurrent writes share one fsync
 *   (group commit), so a write costs one small append, not a rewrite of the state.
 * - Every `compactEvery` journaled writes, the current state becomes the snapshot and
 *   the journal is emptied. Replay skips journal entries the snapshot already holds, so
 *   a crash between the two steps is harmless.
 * - On open, a torn last line (a crash mid-append) is ignored and trimmed.
 */
import { closeSync, fsyncSync, openSync } from 'node:fs';
import { type FileHandle, mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { StateData, StoreOp } from './store.js';

const FORMAT = 'iamkit-mock-state';
const VERSION = 1;

interface Snapshot {
  format: typeof FORMAT;
  version: number;
  seq: number;
  state: StateData;
}

interface Pending {
  line: string;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export interface LoadedData {
  /** The state on disk, or undefined when the file does not exist yet. */
  state: StateData | undefined;
  /** The replayed journal ops, to apply on top of `state`. */
  ops: StoreOp[];
  /** Journal lines dropped because they were torn (a crash mid-write). */
  tornLines: number;
}

export class DataFileError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DataFileError';
  }
}

export class Journal {
  private seq: number;
  private pending: Pending[] = [];
  private flushing: Promise<void> | undefined;
  private sinceCompaction = 0;
  private closed = false;
  /** The promise of the newest append; flushes happen in order, so it settles last. */
  private newest: Promise<void> = Promise.resolve();
  /** Set when a write to disk failed: memory and disk may differ, so stop accepting writes. */
  failure: DataFileError | undefined;

  private constructor(
    private readonly file: string,
    private handle: FileHandle,
    seq: number,
    private readonly snapshotState: () => StateData,
    private readonly compactEvery: number,
  ) {
    this.seq = seq;
  }

  static async load(file: string): Promise<LoadedData & { seq: number }> {
    const path = resolve(file);
    let snapshot: Snapshot | undefined;
    try {
      const text = await readFile(path, 'utf8');
      const parsed = JSON.parse(text) as Partial<Snapshot>;
      if (parsed.format !== FORMAT || typeof parsed.seq !== 'number' || !parsed.state) {
        throw new Error(`not an iamkit-mock data file (expected "format": "${FORMAT}")`);
      }
      if (parsed.version !== VERSION) {
        throw new Error(`unsupported data file version ${String(parsed.version)}`);
      }
      snapshot = parsed as Snapshot;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new DataFileError(`Cannot read data file ${path}: ${(error as Error).message}`, {
          cause: error,
        });
      }
    }
    const ops: StoreOp[] = [];
    let seq = snapshot?.seq ?? 0;
    let tornLines = 0;
    let journalText = '';
    try {
      journalText = await readFile(`${path}.journal`, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const lines = journalText.split('\n');
    // The last element is whatever follows the final newline: empty, or a torn line.
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      if (line === '') continue;
      let entry: { seq: number; ops: StoreOp[] };
      try {
        entry = JSON.parse(line) as { seq: number; ops: StoreOp[] };
        if (typeof entry.seq !== 'number' || !Array.isArray(entry.ops)) throw new Error('shape');
      } catch {
        // Appends are O_APPEND and fsynced one after another, so the only line a crash can
        // damage is the last one, whose write was never acknowledged. Damage anywhere else
        // is corruption: refuse rather than silently drop acknowledged writes after it.
        if (lines.slice(i + 1).some((l) => l !== '')) {
          throw new DataFileError(
            `The journal ${path}.journal is corrupt at line ${i + 1} (not its last line); refusing to start`,
          );
        }
        tornLines = 1;
        break;
      }
      if (entry.seq <= seq) continue;
      seq = entry.seq;
      ops.push(...entry.ops);
    }
    return { state: snapshot?.state, ops, tornLines, seq };
  }

  /**
   * Opens the journal for appending. Writes a fresh snapshot of the loaded state first,
   * which also drops any torn tail and makes the journal start empty.
   */
  static async open(
    file: string,
    seq: number,
    snapshotState: () => StateData,
    options: { compactEvery?: number } = {},
  ): Promise<Journal> {
    const path = resolve(file);
    await mkdir(dirname(path), { recursive: true });
    await writeSnapshot(path, seq, snapshotState());
    // O_APPEND: every write lands at the end, also after a truncate by compaction.
    const handle = await open(`${path}.journal`, 'a');
    await handle.truncate(0);
    await handle.sync();
    fsyncDir(dirname(path));
    return new Journal(path, handle, seq, snapshotState, options.compactEvery ?? 1000);
  }

  /** Appends one write's ops; resolves once they are on disk. */
  append(ops: StoreOp[]): Promise<void> {
    if (this.closed) return Promise.reject(new DataFileError('The data file is closed'));
    if (this.failure) return Promise.reject(this.failure);
    this.seq += 1;
    const line = `${JSON.stringify({ seq: this.seq, ops })}\n`;
    const durable = new Promise<void>((resolvePromise, reject) => {
      this.pending.push({ line, resolve: resolvePromise, reject });
      this.flushing ??= this.flushLoop().finally(() => {
        this.flushing = undefined;
      });
    });
    this.newest = durable.catch(() => undefined);
    return durable;
  }

  /** Resolves once every write appended so far is on disk (or has failed). */
  settled(): Promise<void> {
    return this.newest;
  }

  /** Waits for every pending write, compacts, and closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    while (this.flushing) await this.flushing;
    this.closed = true;
    // After a failed write the memory may hold changes nobody was told about: keep the disk as is.
    if (!this.failure) await this.compact();
    await this.handle.close();
  }

  private async flushLoop(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0);
      try {
        await this.handle.write(batch.map((p) => p.line).join(''));
        await this.handle.datasync();
        for (const p of batch) p.resolve();
      } catch (error) {
        const failure = new DataFileError(`Cannot write data file: ${(error as Error).message}`, {
          cause: error,
        });
        this.failure ??= failure;
        for (const p of [...batch, ...this.pending.splice(0)]) p.reject(failure);
        return;
      }
      this.sinceCompaction += batch.length;
      if (this.sinceCompaction >= this.compactEvery) await this.compact();
    }
  }

  private async compact(): Promise<void> {
    // State and seq are read in the same tick, so the snapshot matches its seq exactly.
    const seq = this.seq;
    const state = this.snapshotState();
    await writeSnapshot(this.file, seq, state);
    await this.handle.truncate(0);
    await this.handle.sync();
    this.sinceCompaction = 0;
  }
}

async function writeSnapshot(path: string, seq: number, state: StateData): Promise<void> {
  const tmp = `${path}.tmp`;
  const snapshot: Snapshot = { format: FORMAT, version: VERSION, seq, state };
  const handle = await open(tmp, 'w');
  try {
    await handle.writeFile(JSON.stringify(snapshot));
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, path);
  fsyncDir(dirname(path));
}

/** Makes a rename durable. Some platforms cannot fsync a directory; that is not fatal. */
function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Windows and some filesystems refuse; the rename is still atomic.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export async function dataFileExists(file: string): Promise<boolean> {
  try {
    await stat(resolve(file));
    return true;
  } catch {
    return false;
  }
}

const lockedInThisProcess = new Set<string>();

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * One server per data file: takes `FILE.lock` (holding the pid) or throws. A lock left
 * by a process that no longer runs (kill -9) is taken over.
 */
export async function lockDataFile(file: string): Promise<() => Promise<void>> {
  const path = resolve(file);
  const lockPath = `${path}.lock`;
  if (lockedInThisProcess.has(path)) {
    throw new DataFileError(`Data file ${path} is already used by another server in this process`);
  }
  await mkdir(dirname(path), { recursive: true });
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(lockPath, 'wx');
      try {
        await handle.writeFile(String(process.pid));
      } finally {
        await handle.close();
      }
      lockedInThisProcess.add(path);
      return async () => {
        lockedInThisProcess.delete(path);
        await rm(lockPath, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new DataFileError(
          `Cannot create lock file ${lockPath}: ${(error as Error).message}`,
          {
            cause: error,
          },
        );
      }
      const pid = Number((await readFile(lockPath, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && processIsAlive(pid)) {
        throw new DataFileError(
          `Data file ${path} is in use by process ${pid} (delete ${lockPath} if that is wrong)`,
        );
      }
      await rm(lockPath, { force: true });
    }
  }
  throw new DataFileError(`Cannot lock data file ${path}`);
}
