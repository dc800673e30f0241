// COMMANDS.md is the interface for adding commands: its examples must compile against the
// real sources (each ```ts block starts with the path it belongs at, `// src/...`).
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { typecheckDocBlocks } from '../../../scripts/doc-blocks.mjs';

it('every ```ts block of COMMANDS.md type-checks against src', async () => {
  const result = await typecheckDocBlocks({
    appDir: fileURLToPath(new URL('..', import.meta.url)),
    doc: 'COMMANDS.md',
    appPath: 'apps/cli',
  });
  expect(result.blocks).toBeGreaterThanOrEqual(2);
  expect(result.report, result.report).toBe('');
  expect(result.exitCode).toBe(0);
}, 60_000); // one tsc run over the sources the blocks import
