/**
 * Models shared by every TileDB Cloud surface (v1, v2, v4): errors, pagination, config.
 * Names follow the spec models; `Error` becomes `TileDBError` so it never shadows the
 * global.
 */
import * as v from 'valibot';
import type { ResponseOf } from './schema.js';

/** v1/v2 `Error`: `{ code, message, request_id }`, all optional on the wire. */
export const TileDBErrorSchema = v.looseObject({
  code: v.optional(v.pipe(v.number(), v.integer())),
  message: v.optional(v.string()),
  request_id: v.optional(v.string()),
});
export type TileDBError = ResponseOf<typeof TileDBErrorSchema>;

/** v4 `ValidationErrorField`. */
export const ValidationErrorFieldSchema = v.looseObject({
  field: v.string(),
  message: v.string(),
});
export type ValidationErrorField = ResponseOf<typeof ValidationErrorFieldSchema>;

/** v4 `ValidationError`. */
export const ValidationErrorSchema = v.looseObject({
  fields: v.array(ValidationErrorFieldSchema),
});
export type ValidationError = ResponseOf<typeof ValidationErrorSchema>;

/** v4 `Error`: v1/v2's three fields, required, plus an optional `validation_error`. */
export const TileDBV4ErrorSchema = v.looseObject({
  code: v.pipe(v.number(), v.integer()),
  message: v.string(),
  request_id: v.string(),
  validation_error: v.optional(ValidationErrorSchema),
});
export type TileDBV4Error = ResponseOf<typeof TileDBV4ErrorSchema>;

/** v1/v2 `PaginationMetadata` (1-based `page`); every field optional there. */
export const PaginationMetadataSchema = v.looseObject({
  page: v.optional(v.number()),
  per_page: v.optional(v.number()),
  total_pages: v.optional(v.number()),
  total_items: v.optional(v.number()),
});
export type PaginationMetadata = ResponseOf<typeof PaginationMetadataSchema>;

/** v4 `PaginationMetadata`: the same four fields, integers, all required. */
export const PaginationMetadataV4Schema = v.looseObject({
  page: v.pipe(v.number(), v.integer()),
  per_page: v.pipe(v.number(), v.integer()),
  total_pages: v.pipe(v.number(), v.integer()),
  total_items: v.pipe(v.number(), v.integer()),
});
export type PaginationMetadataV4 = ResponseOf<typeof PaginationMetadataV4Schema>;

/** `TileDBConfig`: key/value entries for the embedded library. */
export const TileDBConfigSchema = v.looseObject({
  entries: v.optional(
    v.array(
      v.looseObject({
        key: v.optional(v.string()),
        value: v.optional(v.string()),
      }),
    ),
  ),
});
export type TileDBConfig = ResponseOf<typeof TileDBConfigSchema>;
