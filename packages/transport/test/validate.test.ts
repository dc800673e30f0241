import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { RequestValidationError, validateRequest } from '../dist/index.js';

const GroupBody = v.strictObject({
  name: v.string(),
  users: v.array(v.strictObject({ userId: v.string() })),
});

function failure(value: unknown): RequestValidationError {
  try {
    validateRequest(GroupBody, value, 'group');
  } catch (error) {
    if (error instanceof RequestValidationError) return error;
    throw error;
  }
  throw new Error('expected a RequestValidationError');
}

describe('validateRequest', () => {
  it('returns the parsed value when it is valid', () => {
    expect(validateRequest(GroupBody, { name: 'a', users: [] })).toEqual({ name: 'a', users: [] });
  });

  it('says a missing field is required, with its path', () => {
    const error = failure({ name: 'a' });
    expect(error.path).toBe('group.users');
    expect(error.issues).toEqual([
      { path: 'group.users', message: 'is required', expected: '"users"' },
    ]);
    expect(error.message).toContain('group.users');
    expect(error.message).toContain('is required');
  });

  it('says an unknown (misspelt) field is not known, at any depth', () => {
    const error = failure({ name: 'a', users: [{ userID: 'x' }] });
    expect(error.issues.map((issue) => [issue.path, issue.message])).toEqual([
      ['group.users[0].userId', 'is required'],
      ['group.users[0].userID', 'is not a known field; check its spelling'],
    ]);
  });

  it('keeps valibot messages for everything else', () => {
    expect(failure({ name: 3, users: [] }).issues[0]?.message).toBe(
      'Invalid type: Expected string but received 3',
    );
  });
});

describe('validateRequest and a schema with its own messages', () => {
  it('keeps the schema author’s message', () => {
    const schema = v.strictObject(
      { name: v.string() },
      (issue) => `unknown field ${String(issue.received)}`,
    );
    expect(() => validateRequest(schema, { name: 'a', colour: 'red' })).toThrow(
      /unknown field "colour"/,
    );
  });
});
