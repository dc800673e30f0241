/**
 * Models shared by the Authress surfaces: links, cursor pagination and the error body.
 * Domain models (Group, GroupCollection, User) live in their own module.
 */
import * as v from 'valibot';

/** `Link`: an absolute `href`, and `rel` only for non-IANA relations. */
export const LinkSchema = v.looseObject({
  href: v.string(),
  rel: v.optional(v.string()),
});
export type Link = v.InferOutput<typeof LinkSchema>;

/** `AccountLinks`: `self` is required but may be null. */
export const AccountLinksSchema = v.looseObject({
  self: v.nullable(LinkSchema),
});
export type AccountLinks = v.InferOutput<typeof AccountLinksSchema>;

/** `CollectionLinks`: `self` required (nullable), `next` optional (nullable). */
export const CollectionLinksSchema = v.looseObject({
  self: v.nullable(LinkSchema),
  next: v.nullish(LinkSchema),
});
export type CollectionLinks = v.InferOutput<typeof CollectionLinksSchema>;

/** `PaginationNext`: pass `cursor` back as the `cursor` query parameter. */
export const PaginationNextSchema = v.looseObject({
  cursor: v.string(),
});
export type PaginationNext = v.InferOutput<typeof PaginationNextSchema>;

/** `Pagination`: `next` is absent or null on the last page. */
export const PaginationSchema = v.looseObject({
  next: v.nullish(PaginationNextSchema),
});
export type Pagination = v.InferOutput<typeof PaginationSchema>;

/** `ResponseError`: the Authress error body; every field optional. */
export const ResponseErrorSchema = v.looseObject({
  title: v.optional(v.string()),
  errorCode: v.optional(v.string()),
  errorId: v.optional(v.string()),
});
export type ResponseError = v.InferOutput<typeof ResponseErrorSchema>;
