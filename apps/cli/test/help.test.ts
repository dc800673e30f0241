import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectTree } from '../src/completion.js';
import { root } from '../src/root.js';
import { runBin, TRACE_HOOK } from './helpers.js';

/**
 * Words of a shell command line that carry an unquoted |, &, ;, <, > or parenthesis glued
 * to other text: the shell would cut the word there (a standalone `|` or `<` is meant).
 */
function unquotedShellOperators(command: string): string[] {
  const flagged: string[] = [];
  let word = '';
  let bad = false;
  let quote: string | undefined;
  const end = () => {
    if (bad && !/^[|&;<>()]+$/.test(word)) flagged.push(word);
    word = '';
    bad = false;
  };
  for (const char of command) {
    if (quote) {
      if (char === quote) quote = undefined;
      word += char;
    } else if (char === "'" || char === '"') {
      quote = char;
      word += char;
    } else if (char === ' ') {
      end();
    } else {
      if ('|&;<>()'.includes(char)) bad = true;
      word += char;
    }
  }
  end();
  return flagged.map((w) => w.replace(/^--\S+=/, ''));
}

let home: string;
let paths: string[];

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'iamkit-help-'));
  paths = (await collectTree(root)).map((node) => node.path);
});
afterAll(async () => {
  await rm(home, { recursive: true, force: true });
});

describe('--version', () => {
  it('prints the package version', async () => {
    const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'));
    for (const flag of ['--version', '-v']) {
      const result = await runBin(home, [flag]);
      expect(result).toMatchObject({ code: 0, stderr: '' });
      expect(result.stdout).toBe(`iamkit ${pkg.version}\n`);
    }
  });
});

describe('--help', () => {
  it('lists the top-level commands with a description, examples and exit codes', async () => {
    const result = await runBin(home, ['--help']);
    expect(result.code).toBe(0);
    for (const name of ['login', 'logout', 'whoami', 'config', 'completion']) {
      expect(result.stdout).toMatch(new RegExp(`^  ${name} +\\S`, 'm'));
    }
    expect(result.stdout).toContain('EXAMPLES\n  $ iamkit');
    expect(result.stdout).toContain('EXIT CODES');
    expect(result.stdout).toContain('--json');
  });

  it('no arguments prints the same help', async () => {
    const [bare, help] = await Promise.all([runBin(home, []), runBin(home, ['--help'])]);
    expect(bare.code).toBe(0);
    expect(bare.stdout).toBe(help.stdout);
  });

  it('every command and group has a description, a usage line and an example', async () => {
    expect(paths.length).toBeGreaterThan(8);
    for (const path of paths) {
      const args = path === '' ? ['--help'] : [...path.split(' '), '--help'];
      const result = await runBin(home, args);
      expect(result.code, `iamkit ${path} --help`).toBe(0);
      const [description] = result.stdout.split('\n');
      expect(description, `description of "${path}"`).toMatch(/\S{3,}/);
      expect(result.stdout, path).toContain(`USAGE\n  iamkit${path ? ` ${path}` : ''}`);
      expect(result.stdout, path).toMatch(/EXAMPLES\n {2}\$ iamkit /);
    }
  });

  it('every example can be pasted into a shell as it stands', async () => {
    let checked = 0;
    for (const path of paths) {
      const args = path === '' ? ['--help'] : [...path.split(' '), '--help'];
      const { stdout } = await runBin(home, args);
      for (const line of stdout.split('\n')) {
        if (!line.startsWith('  $ ')) continue;
        checked += 1;
        expect(unquotedShellOperators(line.slice(4)), `example in "${path}": ${line}`).toEqual([]);
      }
    }
    expect(checked).toBeGreaterThan(30);
  });

  it('the example check itself flags a value the shell would split', () => {
    expect(unquotedShellOperators('iamkit x --users oauth2|alice,oauth2|bob')).toEqual([
      'oauth2|alice,oauth2|bob',
    ]);
    expect(unquotedShellOperators(`iamkit x --users 'oauth2|alice' --n "a|b"`)).toEqual([]);
    expect(unquotedShellOperators('printf %s "$P" | iamkit login --password-stdin < f')).toEqual(
      [],
    );
  });

  it('`iamkit help <command>` is the same as `<command> --help`', async () => {
    const [viaHelp, viaFlag] = await Promise.all([
      runBin(home, ['help', 'config', 'get']),
      runBin(home, ['config', 'get', '--help']),
    ]);
    expect(viaHelp.code).toBe(0);
    expect(viaHelp.stdout).toBe(viaFlag.stdout);
  });

  it("`help` after a group is that group's help, and `authress groups ls` is list", async () => {
    const [viaHelp, viaFlag, nested] = await Promise.all([
      runBin(home, ['groups', 'help']),
      runBin(home, ['groups', '--help']),
      runBin(home, ['groups', 'help', 'metadata']),
    ]);
    expect(viaHelp.code).toBe(0);
    expect(viaHelp.stdout).toBe(viaFlag.stdout);
    expect(nested.stdout).toBe((await runBin(home, ['groups', 'metadata', '--help'])).stdout);
    const ls = await runBin(home, ['authress', 'groups', 'ls', '--help']);
    expect(ls.code).toBe(0);
    expect(ls.stdout).toContain('List groups one page at a time, or every page with --all');
  });

  it('-h works after arguments and flags too', async () => {
    const result = await runBin(home, ['config', 'get', 'tiledb.host', '-h']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('USAGE\n  iamkit config get <key>');
  });

  it('an argument taken once is shown once; one taken many times shows "..."', async () => {
    const [get, add] = await Promise.all([
      runBin(home, ['groups', 'metadata', 'get', '--help']),
      runBin(home, ['groups', 'members', 'add', '--help']),
    ]);
    expect(get.stdout).toMatch(/\[key\] \[flags\]\n/);
    expect(get.stdout).toMatch(/\n {2}key +Print only this key\n/);
    expect(get.stdout).not.toContain('key...');
    expect(add.stdout).toMatch(/\n {2}member-uri\.\.\. +tiledb:\/\/ or storage URI/);
  });

  it('neither --help nor --version loads fetch, the transport or a domain client', async () => {
    const heavy =
      /@iamkit\/(transport|groups|authress|orgs|credentials)|packages\/(transport|groups|authress|orgs|credentials)\/|undici/;
    const cases = [
      ['--version'],
      ...paths.map((p) => (p ? [...p.split(' '), '--help'] : ['--help'])),
    ];
    for (const args of cases) {
      const trace = join(home, `trace-${args.join('-')}.txt`);
      const result = await runBin(home, args, {
        nodeArgs: ['--import', TRACE_HOOK],
        env: { IAMKIT_TRACE_FILE: trace },
      });
      expect(result.code, args.join(' ')).toBe(0);
      const loaded = (await readFile(trace, 'utf8')).split('\n').filter(Boolean);
      expect(
        loaded.some((url) => url.includes('/dist/bin.js')),
        'trace works',
      ).toBe(true);
      expect(
        loaded.filter((url) => heavy.test(url)),
        `iamkit ${args.join(' ')}`,
      ).toEqual([]);
    }
  });

  it('the trace does see the transport and fetch when a command really calls the API', async () => {
    const trace = join(home, 'trace-whoami.txt');
    await runBin(home, ['whoami', '--host', 'http://127.0.0.1:9'], {
      nodeArgs: ['--import', TRACE_HOOK],
      env: { IAMKIT_TRACE_FILE: trace, TILEDB_REST_TOKEN: 'some-token' },
    });
    const loaded = await readFile(trace, 'utf8');
    expect(loaded).toMatch(/packages\/transport\/dist\/transport\.js/);
    expect(loaded).toContain('undici');
  });
});
