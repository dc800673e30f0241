// One install is enough: every error class the transport can throw is importable from here,
// and is the very class the transport throws (so instanceof holds).
import * as transport from '@iamkit/transport';
import { describe, expect, it } from 'vitest';
import * as pkg from '../src/index.js';

describe('re-exported error classes', () => {
  const errorClasses = Object.entries(transport).filter(
    ([, value]) =>
      typeof value === 'function' &&
      (value === transport.IamkitError || value.prototype instanceof transport.IamkitError),
  );

  it('finds the error classes to check', () => {
    expect(errorClasses.length).toBeGreaterThanOrEqual(19);
  });

  it.each(errorClasses)('exports %s', (name, value) => {
    expect((pkg as Record<string, unknown>)[name]).toBe(value);
  });
});
