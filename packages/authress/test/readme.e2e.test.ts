/** The README's opening example really runs: against the mock server, as a user would. */
import { execFile } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { transform } from 'esbuild';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Harness, startHarness } from './helpers.js';

const run = promisify(execFile);
const packageDir = fileURLToPath(new URL('..', import.meta.url));
// Inside the package, so `@iamkit/authress` resolves to its own built exports.
const script = fileURLToPath(new URL('../.readme-example.mjs', import.meta.url));

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await rm(script, { force: true });
  await h.server.close();
});

it('the first code block of README.md runs and does what it says', async () => {
  const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
  const example = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(example).toContain('new AuthressGroupsClient');
  const { code } = await transform(example!, { loader: 'ts', format: 'esm' });
  await writeFile(script, code);

  const { stdout } = await run(process.execPath, [script], {
    cwd: packageDir,
    env: {
      PATH: process.env['PATH'] ?? '',
      AUTHRESS_URL: h.server.authressUrl,
      AUTHRESS_ACCESS_KEY: h.accessKey,
    },
  });
  const lines = stdout.trim().split('\n');
  expect(lines[0]).toMatch(/^grp_[a-f0-9]+$/);
  // The listing saw the group with both users, and the group is gone afterwards.
  expect(lines).toContain(`${lines[0]} Editors 2`);
  expect((await h.client.getGroups()).groups).toEqual([]);
});
