import {
  GroupCollectionSchema,
  GroupRequestSchema,
  GroupSchema,
  UserRequestSchema,
  UserSchema,
} from '@iamkit/core';
import { AUTHRESS, type ConformanceRow } from './rows.js';

export const rows: ConformanceRow[] = [
  { spec: AUTHRESS, model: 'Group', schema: GroupSchema, direction: 'response' },
  { spec: AUTHRESS, model: 'Group', schema: GroupRequestSchema, direction: 'request' },
  {
    spec: AUTHRESS,
    model: 'GroupCollection',
    schema: GroupCollectionSchema,
    direction: 'response',
  },
  { spec: AUTHRESS, model: 'User', schema: UserSchema, direction: 'response' },
  { spec: AUTHRESS, model: 'User', schema: UserRequestSchema, direction: 'request' },
];
