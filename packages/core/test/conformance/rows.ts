import type { Direction } from './compare.js';

/** One schema checked against one spec model. */
export interface ConformanceRow {
  /** File in shared/specs. */
  spec: string;
  /** Model name in that file. */
  model: string;
  schema: unknown;
  direction: Direction;
}

/** Spec files, named once. */
export const V1 = 'tiledb-v1.upstream.yaml';
export const V2 = 'tiledb-v2.upstream.yaml';
export const V4 = 'tiledb-v4-credentials.yaml';
export const AUTHRESS = 'authress-groups.yaml';

/** Every row of every `conformance/*.rows.ts` file: each API surface adds its own file. */
export async function loadAllRows(): Promise<ConformanceRow[]> {
  const { readdirSync } = await import('node:fs');
  const dir = new URL('.', import.meta.url);
  const files = readdirSync(dir)
    .filter((file) => file.endsWith('.rows.ts'))
    .sort();
  const modules = await Promise.all(
    files.map((file) => import(new URL(file, dir).href) as Promise<{ rows: ConformanceRow[] }>),
  );
  return modules.flatMap((module) => module.rows);
}
