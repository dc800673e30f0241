import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type CliHarness, startCli } from './helpers.js';

let cli: CliHarness;
beforeAll(async () => {
  cli = await startCli();
});
afterAll(async () => {
  await cli.close();
});

it('the README opening example runs as written (mock server on a free port)', async () => {
  const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
  const block = /```sh\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(block).toBeDefined();
  const lines = block!.split('\n').filter((line) => line.startsWith('iamkit '));
  expect(lines.length).toBeGreaterThanOrEqual(5);
  const port = new URL(cli.server.url).port;
  for (const line of lines) {
    const args = line
      .replace(/:8080\b/g, `:${port}`)
      .split(' ')
      .slice(1);
    const result = await cli.run(args);
    expect(result.code, `${line}\n${result.stderr}`).toBe(0);
  }
  const last = await cli.run(['groups', 'get', 'tiledb://demo/reports', '--json']);
  expect(JSON.parse(last.stdout)).toHaveProperty('members');
});
