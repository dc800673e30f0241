/**
 * The server's whole state: named collections of JSON values keyed by string. Every
 * domain keeps its state here, which is what makes persistence, `/__admin/reset`,
 * `/__admin/state` and write serialization work without the domain doing anything.
 *
 * Writes go through {@link Store.write}: the callback runs synchronously (so a
 * read-modify-write cannot interleave with another request's), its changes apply
 * atomically (all or none, if it throws), and the returned promise settles once the
 * change is durable (journaled and fsynced when a data file is in use).
 */
import { ApiError } from './errors.js';
import type { Journal } from './journal.js';

export type JsonValue =
  | null
  | boolean
  | number
  | string
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue };

/** Plain-object form of the whole state: `{ collection: { key: value } }`. */
export type StateData = Record<string, Record<string, unknown>>;

/** A journaled change. `r` replaces the whole state (reset). */
export type StoreOp =
  | { c: string; k: string; v: unknown }
  | { c: string; k: string; d: 1 }
  | { r: StateData };

/** Read-only view of one collection. Values are deep-frozen: copy before changing. */
export interface Collection<T> {
  get(key: string): T | undefined;
  has(key: string): boolean;
  keys(): string[];
  values(): T[];
  entries(): [string, T][];
  readonly size: number;
}

/** A collection inside {@link Store.write}: reads see the transaction's own changes. */
export interface WritableCollection<T> extends Collection<T> {
  /** Stores a JSON copy of `value` (undefined fields are dropped, as on the wire). */
  set(key: string, value: T): void;
  /** Removes the entry; returns whether it existed. */
  delete(key: string): boolean;
}

export interface WriteTx {
  collection<T>(name: string): WritableCollection<T>;
}

const DELETED = Symbol('deleted');

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/** JSON round trip: exactly what a replay from disk would produce. */
function toStored(value: unknown): unknown {
  const text = JSON.stringify(value);
  if (text === undefined) throw new TypeError('Store values must be JSON-serializable');
  return deepFreeze(JSON.parse(text));
}

class CollectionView<T> implements Collection<T> {
  constructor(protected readonly base: Map<string, unknown>) {}
  get(key: string): T | undefined {
    return this.base.get(key) as T | undefined;
  }
  has(key: string): boolean {
    return this.base.has(key);
  }
  keys(): string[] {
    return [...this.base.keys()];
  }
  values(): T[] {
    return [...this.base.values()] as T[];
  }
  entries(): [string, T][] {
    return [...this.base.entries()] as [string, T][];
  }
  get size(): number {
    return this.base.size;
  }
}

class TxCollection<T> implements WritableCollection<T> {
  readonly overlay = new Map<string, unknown>();
  constructor(
    readonly name: string,
    private readonly base: Map<string, unknown>,
    private readonly record: (op: StoreOp) => void,
  ) {}
  get(key: string): T | undefined {
    if (this.overlay.has(key)) {
      const v = this.overlay.get(key);
      return v === DELETED ? undefined : (v as T);
    }
    return this.base.get(key) as T | undefined;
  }
  has(key: string): boolean {
    return this.get(key) !== undefined;
  }
  entries(): [string, T][] {
    const out = new Map(this.base);
    for (const [k, v] of this.overlay) {
      if (v === DELETED) out.delete(k);
      else out.set(k, v);
    }
    return [...out.entries()] as [string, T][];
  }
  keys(): string[] {
    return this.entries().map(([k]) => k);
  }
  values(): T[] {
    return this.entries().map(([, v]) => v);
  }
  get size(): number {
    return this.entries().length;
  }
  set(key: string, value: T): void {
    const stored = toStored(value);
    this.overlay.set(key, stored);
    this.record({ c: this.name, k: key, v: stored });
  }
  delete(key: string): boolean {
    const existed = this.has(key);
    if (existed) {
      this.overlay.set(key, DELETED);
      this.record({ c: this.name, k: key, d: 1 });
    }
    return existed;
  }
}

export class Store {
  private readonly collections = new Map<string, Map<string, unknown>>();
  private journal: Journal | undefined;

  constructor(initial: StateData = {}) {
    this.load(initial);
  }

  /** Attaches the durable journal; from then on every write waits for it. */
  attachJournal(journal: Journal): void {
    this.journal = journal;
  }

  /** Read-only view of a collection (created empty on first use). */
  collection<T>(name: string): Collection<T> {
    return new CollectionView<T>(this.map(name));
  }

  /**
   * Runs `fn` synchronously with a transaction, applies its changes atomically, and
   * resolves with `fn`'s result once they are durable. If `fn` throws, nothing changes.
   */
  write<R>(fn: (tx: WriteTx) => R): Promise<R> {
    const ops: StoreOp[] = [];
    const touched = new Map<string, TxCollection<unknown>>();
    const tx: WriteTx = {
      collection: <T>(name: string) => {
        let c = touched.get(name);
        if (!c) {
          c = new TxCollection<unknown>(name, this.map(name), (op) => ops.push(op));
          touched.set(name, c);
        }
        return c as unknown as WritableCollection<T>;
      },
    };
    let result: R;
    try {
      result = fn(tx);
    } catch (error) {
      return Promise.reject(error);
    }
    if (result instanceof Promise) {
      return Promise.reject(
        new TypeError('store.write() callbacks must be synchronous; do async work before'),
      );
    }
    if (ops.length === 0) return Promise.resolve(result);
    if (this.journal?.failure) {
      return Promise.reject(
        new ApiError(503, 'The data file cannot be written; the server accepts no more changes', {
          cause: this.journal.failure,
        }),
      );
    }
    for (const op of ops) this.apply(op);
    const durable = this.journal ? this.journal.append(ops) : Promise.resolve();
    return durable.then(() => result);
  }

  /**
   * Resolves once every change applied so far is durable. The app awaits it before
   * sending any response, so no client ever sees state a crash could still lose.
   */
  settled(): Promise<void> {
    return this.journal ? this.journal.settled() : Promise.resolve();
  }

  /** Replaces the whole state (used by reset); durable like any write. */
  replaceAll(state: StateData): Promise<void> {
    const op: StoreOp = { r: JSON.parse(JSON.stringify(state)) as StateData };
    this.apply(op);
    return this.journal ? this.journal.append([op]) : Promise.resolve();
  }

  /** A plain JSON copy of the whole state. */
  toJSON(): StateData {
    const out: StateData = {};
    for (const [name, map] of this.collections) {
      if (map.size === 0) continue;
      out[name] = Object.fromEntries(map);
    }
    return out;
  }

  /** Applies a journaled op (used by writes and by replay). */
  apply(op: StoreOp): void {
    if ('r' in op) {
      this.load(op.r);
      return;
    }
    const map = this.map(op.c);
    if ('d' in op) map.delete(op.k);
    else map.set(op.k, deepFreeze(op.v));
  }

  private load(state: StateData): void {
    // Clear in place so views handed out earlier stay attached to the live maps.
    for (const map of this.collections.values()) map.clear();
    for (const [name, entries] of Object.entries(state)) {
      const map = this.map(name);
      for (const [k, v] of Object.entries(entries)) map.set(k, toStored(v));
    }
  }

  private map(name: string): Map<string, unknown> {
    let map = this.collections.get(name);
    if (!map) {
      map = new Map();
      this.collections.set(name, map);
    }
    return map;
  }
}
