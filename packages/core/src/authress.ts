/**
 * Models shared by the Authress surfaces: links, cursor pagination and the error body.
 * Domain models (Group, GroupCollection, User) live in their own module.
 */
import * as v from 'valibot';
import type { ResponseOf } from './schema.js';

/** `Link`: an absolute `href`, and `rel` only for non-IANA relations. */
export const LinkSchema = v.looseObject({
  href: v.string(),
  rel: v.optional(v.string()),
});
export type Link = ResponseOf<typeof LinkSchema>;

/** `AccountLinks`: `self` is required but may be null. */
export const AccountLinksSchema = v.looseObject({
  self: v.nullable(LinkSchema),
});
export type AccountLinks = ResponseOf<typeof AccountLinksSchema>;

/** `CollectionLinks`: `self` required (nullable), `next` optional (nullable). */
export const CollectionLinksSchema = v.looseObject({
  self: v.nullable(LinkSchema),
  next: v.nullish(LinkSchema),
});
export type CollectionLinks = ResponseOf<typeof CollectionLinksSchema>;

/** `PaginationNext`: pass `cursor` back as the `cursor` query parameter. */
export const PaginationNextSchema = v.looseObject({
  cursor: v.string(),
});
export type PaginationNext = ResponseOf<typeof PaginationNextSchema>;

/** `Pagination`: `next` is absent or null on the last page. */
export const PaginationSchema = v.looseObject({
  next: v.nullish(PaginationNextSchema),
});
export type Pagination = ResponseOf<typeof PaginationSchema>;

/** `ResponseError`: the Authress error body; every field optional. */
export const ResponseErrorSchema = v.looseObject({
  title: v.optional(v.string()),
  errorCode: v.optional(v.string()),
  errorId: v.optional(v.string()),
});
export type ResponseError = ResponseOf<typeof ResponseErrorSchema>;
