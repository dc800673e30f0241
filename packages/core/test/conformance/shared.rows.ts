import {
  AccountLinksSchema,
  CollectionLinksSchema,
  LinkSchema,
  PaginationMetadataSchema,
  PaginationMetadataV4Schema,
  PaginationNextSchema,
  PaginationSchema,
  ResponseErrorSchema,
  TileDBConfigSchema,
  TileDBErrorSchema,
  TileDBV4ErrorSchema,
  ValidationErrorFieldSchema,
  ValidationErrorSchema,
} from '@iamkit/core';
import { AUTHRESS, type ConformanceRow, V1, V2, V4 } from './rows.js';

export const rows: ConformanceRow[] = [
  { spec: V1, model: 'Error', schema: TileDBErrorSchema, direction: 'response' },
  { spec: V2, model: 'Error', schema: TileDBErrorSchema, direction: 'response' },
  { spec: V4, model: 'Error', schema: TileDBV4ErrorSchema, direction: 'response' },
  { spec: V4, model: 'ValidationError', schema: ValidationErrorSchema, direction: 'response' },
  {
    spec: V4,
    model: 'ValidationErrorField',
    schema: ValidationErrorFieldSchema,
    direction: 'response',
  },
  {
    spec: V2,
    model: 'PaginationMetadata',
    schema: PaginationMetadataSchema,
    direction: 'response',
  },
  {
    spec: V4,
    model: 'PaginationMetadata',
    schema: PaginationMetadataV4Schema,
    direction: 'response',
  },
  { spec: V2, model: 'TileDBConfig', schema: TileDBConfigSchema, direction: 'response' },
  { spec: AUTHRESS, model: 'Link', schema: LinkSchema, direction: 'response' },
  { spec: AUTHRESS, model: 'AccountLinks', schema: AccountLinksSchema, direction: 'response' },
  {
    spec: AUTHRESS,
    model: 'CollectionLinks',
    schema: CollectionLinksSchema,
    direction: 'response',
  },
  { spec: AUTHRESS, model: 'Pagination', schema: PaginationSchema, direction: 'response' },
  { spec: AUTHRESS, model: 'PaginationNext', schema: PaginationNextSchema, direction: 'response' },
  { spec: AUTHRESS, model: 'ResponseError', schema: ResponseErrorSchema, direction: 'response' },
];
