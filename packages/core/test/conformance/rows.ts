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
