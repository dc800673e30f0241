import { describe, expect, it } from 'vitest';
import { checkArgs } from '../src/command.js';

const args = {
  target: { type: 'positional', required: true },
  'dry-run': { type: 'boolean' },
  filter: { type: 'string', alias: 'f' },
  limit: { type: 'string' },
} as const;
const meta = { examples: ['iamkit x'] as const };

describe('checkArgs (strict flags for every command)', () => {
  it('accepts every spelling citty accepts, with values in both forms', () => {
    expect(() =>
      checkArgs(
        ['t', '--dry-run', '--no-dry-run', '--dryRun', '-f', '-x', '--limit=5'],
        args,
        meta,
      ),
    ).not.toThrow();
    expect(() => checkArgs(['--filter', '--weird-value', 't'], args, meta)).not.toThrow();
    expect(() =>
      checkArgs(
        ['t', '--', '--not-a-flag'],
        { ...args, rest: { type: 'positional', required: false } },
        meta,
      ),
    ).not.toThrow();
  });

  it('rejects unknown flags, missing values and extra positionals', () => {
    expect(() => checkArgs(['t', '--dryrun'], args, meta)).toThrow('unknown flag --dryrun');
    expect(() => checkArgs(['t', '-g'], args, meta)).toThrow('unknown flag -g');
    expect(() => checkArgs(['t', '--limit'], args, meta)).toThrow('flag --limit needs a value');
    expect(() => checkArgs(['t', 'u'], args, meta)).toThrow('unexpected argument "u"');
    expect(() => checkArgs(['t', '--dry-run=false'], args, meta)).toThrow(
      'flag --dry-run takes no value',
    );
    expect(() => checkArgs(['t', '--no-dry-run=1'], args, meta)).toThrow(
      'flag --no-dry-run takes no value',
    );
    expect(() =>
      checkArgs(['t', 'u', 'v'], args, { ...meta, rest: { name: 'x', description: '' } }),
    ).not.toThrow();
  });
});
