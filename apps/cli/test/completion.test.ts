import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectTree } from '../src/completion.js';
import { root } from '../src/root.js';
import { type CliHarness, startCli } from './helpers.js';

let cli: CliHarness;
const has = (shell: string) => spawnSync('sh', ['-c', `command -v ${shell}`]).status === 0;

beforeAll(async () => {
  cli = await startCli();
});
afterAll(async () => {
  await cli.close();
});

async function script(shell: string): Promise<string> {
  const result = await cli.run(['completion', shell]);
  expect(result.code, result.stderr).toBe(0);
  const path = join(cli.home, `iamkit.${shell}`);
  await writeFile(path, result.stdout);
  return path;
}

/** Asks bash's completion function what it offers for a command line. */
function bashComplete(path: string, words: string[]): string[] {
  const line = words.map((w) => `'${w}'`).join(' ');
  const program = `source '${path}'; COMP_WORDS=(${line}); COMP_CWORD=${words.length - 1}; _iamkit; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const result = spawnSync('bash', ['-c', program], { encoding: 'utf8' });
  expect(result.status, result.stderr).toBe(0);
  return result.stdout.split('\n').filter(Boolean);
}

describe('iamkit completion', () => {
  it('bash: the script parses (bash -n) and completes commands and flags from the tree', async () => {
    const path = await script('bash');
    const check = spawnSync('bash', ['-n', path], { encoding: 'utf8' });
    expect(check.status, check.stderr).toBe(0);
    const top = bashComplete(path, ['iamkit', '']);
    const tree = await collectTree(root);
    expect(top.sort()).toEqual(
      tree
        .find((n) => n.path === '')!
        .children.map((c) => c.name)
        .sort(),
    );
    expect(bashComplete(path, ['iamkit', 'con'])).toEqual(['config']);
    expect(bashComplete(path, ['iamkit', 'config', ''])).toEqual(
      expect.arrayContaining(['get', 'list', 'set', 'unset', 'profiles']),
    );
    expect(bashComplete(path, ['iamkit', '--json', 'config', 'get', '--sh'])).toEqual([
      '--show-secret',
    ]);
    expect(bashComplete(path, ['iamkit', 'login', '--pa'])).toEqual(['--password-stdin']);
    // every command in the tree (domain commands included) is reachable
    for (const node of tree.filter((n) => n.path !== '')) {
      const words = node.path.split(' ');
      const last = words.pop()!;
      expect(bashComplete(path, ['iamkit', ...words, last]), node.path).toContain(last);
    }
  });

  it.skipIf(!has('zsh'))('zsh: the script parses (zsh -n)', async () => {
    const path = await script('zsh');
    const check = spawnSync('zsh', ['-n', path], { encoding: 'utf8' });
    expect(check.status, check.stderr).toBe(0);
    expect(await import('node:fs/promises').then((fs) => fs.readFile(path, 'utf8'))).toMatch(
      /^#compdef iamkit/,
    );
  });

  it.skipIf(!has('fish'))('fish: the script parses (fish -n) and completes commands', async () => {
    const path = await script('fish');
    const check = spawnSync('fish', ['-n', path], { encoding: 'utf8' });
    expect(check.status, check.stderr).toBe(0);
    const result = spawnSync('fish', ['-c', `source '${path}'; complete -C 'iamkit config '`], {
      encoding: 'utf8',
    });
    expect(result.stdout).toMatch(/^list\t/m);
    expect(result.stdout).toMatch(/^profiles\t/m);
  });
});
