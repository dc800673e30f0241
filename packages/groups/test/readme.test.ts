/** The README's opening example, run as written against the mock server (uses the built dist). */
import { execFile } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { transform } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { useMockServer } from './helpers.js';

const t = useMockServer();
const run = promisify(execFile);

describe('README', () => {
  it('opens with an example that runs', async () => {
    const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
    const example = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(example).toContain("from '@iamkit/groups'");
    const { code } = await transform(example!, { loader: 'ts', format: 'esm' });
    // Inside the package, so `@iamkit/groups` resolves to this package's own exports.
    const file = fileURLToPath(new URL(`../readme-example-${process.pid}.mjs`, import.meta.url));
    await writeFile(file, code);
    try {
      const { stdout } = await run(process.execPath, [file], {
        env: {
          PATH: process.env['PATH'] ?? '',
          // A home without ~/.tiledb/cloud.json: the environment alone configures the client.
          HOME: fileURLToPath(new URL('../test', import.meta.url)),
          TILEDB_REST_HOST: t.server.url,
          TILEDB_REST_TOKEN: 'demo-api-key',
        },
      });
      const lines = stdout.trim().split('\n');
      expect(lines[0]).toMatch(/^[0-9a-f-]{36} tiledb:\/\/demo\/genomics$/);
      expect(lines[1]).toBe(
        "[ 'samples', 'variants' ] { owner: 'lab-7', version: 3, draft: true }",
      );
      expect(lines[2]).toBe('false');
    } finally {
      await rm(file, { force: true });
    }
  });
});
