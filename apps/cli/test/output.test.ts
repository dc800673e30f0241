import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatCell, Output, type Writable } from '../src/output.js';
import { ANSI, BIN, type CliHarness, startCli } from './helpers.js';

let cli: CliHarness;

beforeAll(async () => {
  cli = await startCli();
  await cli.login();
});
afterAll(async () => {
  await cli.close();
});

// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping ANSI escapes is the point
const stripAnsi = (text: string) => text.replace(/\u001b\[[0-9;]*m/g, '');

/** Runs the binary under a real pseudo-terminal (util-linux `script`). */
function runInPty(args: string[], env: Record<string, string> = {}) {
  const command = [process.execPath, BIN, ...args]
    .map((a) => `'${a.replace(/'/g, `'\\''`)}'`)
    .join(' ');
  return new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], {
      env: { PATH: process.env['PATH'] ?? '', HOME: cli.home, TERM: 'xterm', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output: output.replace(/\r\n/g, '\n') }));
    child.stdin.end();
  });
}

describe('output modes through the binary', () => {
  it('a real terminal gets an aligned, coloured table with a header', async () => {
    const result = await runInPty(['config', 'list']);
    expect(result.code).toBe(0);
    expect(result.output).toMatch(ANSI);
    expect(stripAnsi(result.output)).toMatch(/^KEY +VALUE +SOURCE/m);
  });

  it('NO_COLOR and --no-color turn colour off on a terminal', async () => {
    const noColorEnv = await runInPty(['config', 'list'], { NO_COLOR: '1' });
    expect(noColorEnv.output).toMatch(/^KEY +VALUE +SOURCE/m);
    expect(noColorEnv.output).not.toMatch(ANSI);
    const noColorFlag = await runInPty(['whoami', '--no-color']);
    expect(noColorFlag.code).toBe(0);
    expect(noColorFlag.output).toMatch(/^username +demo$/m);
    expect(noColorFlag.output).not.toMatch(ANSI);
  });

  it('piped: no colour, no header, tab-separated, nothing truncated', async () => {
    const longValue = `https://${'a'.repeat(200)}.example.com`;
    await cli.run(['config', 'set', 'authress.url', longValue]);
    const result = await cli.run(['config', 'list'], { env: { COLUMNS: '40' } });
    expect(result.stdout).not.toMatch(ANSI);
    expect(result.stdout).not.toContain('KEY');
    expect(result.stdout).toContain(`authress.url\t${longValue}\tprofile default\n`);
  });

  it('IAMKIT_FORCE_TTY=1 gives table mode on a pipe, truncated to the terminal width', async () => {
    const result = await cli.run(['config', 'list', '--no-color'], {
      env: { IAMKIT_FORCE_TTY: '1', COLUMNS: '60' },
    });
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^KEY +VALUE +SOURCE$/);
    expect(Math.max(...lines.map((line) => [...line].length))).toBeLessThanOrEqual(60);
    expect(result.stdout).toContain('…');
  });

  it('--all on a terminal: later pages line up and are cut only when the line would not fit', async () => {
    const { AuthressGroupsClient } = await import('@iamkit/authress');
    const accessKey = cli.server.identities.serviceClients[0]?.accessKey as string;
    const authress = new AuthressGroupsClient({
      authressApiUrl: cli.server.authressUrl,
      accessKey,
    });
    const long = `Streamed 7 ${'x'.repeat(30)}`;
    for (const name of ['1', '2', '3', '4', '5', '10', '100'].map((n) => `Streamed ${n}`)) {
      await authress.createGroup({ name, users: [], admins: [] });
    }
    await authress.createGroup({ name: long, users: [], admins: [] });
    const env = {
      IAMKIT_FORCE_TTY: '1',
      AUTHRESS_URL: cli.server.authressUrl,
      AUTHRESS_ACCESS_KEY: accessKey,
    };
    const args = ['authress', 'groups', 'list', '--all', '--limit', '5', '--filter', 'streamed'];
    const wide = await cli.run([...args, '--no-color'], { env: { ...env, COLUMNS: '200' } });
    expect(wide.code, wide.stderr).toBe(0);
    const lines = wide.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(9);
    expect(wide.stdout).not.toContain('…');
    const users = lines[0]!.indexOf('USERS');
    // "Streamed 10" and "Streamed 100" are longer than any name on page 1, yet line up.
    for (const name of ['Streamed 10', 'Streamed 100']) {
      const line = lines.find((l) => l.includes(`${name} `)) as string;
      expect(line, wide.stdout).toBeDefined();
      expect(line.indexOf(' 0 ') + 1, line).toBe(users);
    }
    // A name too long for the room left still prints whole: the line fits in 200 columns.
    expect(lines.find((l) => l.includes(long))).toBeDefined();
    expect(Math.max(...lines.map((l) => [...l].length))).toBeLessThanOrEqual(200);

    // On a narrow terminal the long line is cut, and no line is wider than the terminal.
    const narrow = await cli.run([...args, '--no-color'], { env: { ...env, COLUMNS: '60' } });
    const narrowLines = narrow.stdout.trimEnd().split('\n');
    expect(narrow.stdout).toContain('…');
    expect(narrow.stdout).not.toContain(long);
    expect(Math.max(...narrowLines.map((l) => [...l].length))).toBeLessThanOrEqual(60);
  });

  it('--json prints JSON only, never colour, even on a terminal', async () => {
    const result = await runInPty(['whoami', '--json']);
    expect(result.output).not.toMatch(ANSI);
    expect(JSON.parse(result.output)).toMatchObject({ username: 'demo' });
  });

  it('errors go to stderr; stdout stays clean for pipes', async () => {
    const result = await cli.run(['whoami', '--json', '--profile', 'nobody']);
    expect(result.stdout).toBe('');
    expect(result.stderr.split('\n').filter(Boolean)[0]).toMatch(/^error: /);
    expect(result.stderr).not.toMatch(ANSI);
  });
});

/** An in-memory stdout/stderr for the Output unit tests. */
function sink(isTTY: boolean, columns?: number): Writable & { text: string } {
  const s = {
    text: '',
    isTTY,
    write(chunk: string) {
      s.text += chunk;
      return true;
    },
    ...(columns === undefined ? {} : { columns }),
  };
  return s;
}

async function* pages<T>(...items: T[][]) {
  for (const page of items) yield page;
}

describe('Output helpers', () => {
  const columns = [
    { header: 'NAME', value: (row: { name: string; tags: string[] }) => row.name },
    { header: 'TAGS', value: (row: { name: string; tags: string[] }) => row.tags },
  ];
  const rows = [
    { name: 'alpha', tags: ['a', 'b'] },
    { name: 'tab\tand\nnewline', tags: [] },
  ];

  it('plain mode escapes tabs and newlines so each row stays one TSV line', () => {
    const stdout = sink(false);
    new Output({ json: false, color: undefined, env: {}, stdout, stderr: sink(false) }).table(
      rows,
      columns,
    );
    expect(stdout.text).toBe('alpha\ta, b\ntab\\tand\\nnewline\t\n');
  });

  it('formatCell escapes a list cell once, and shows controls escaped in both modes', () => {
    expect(formatCell(['a\\b', 'c\td', '\u001b[2J\u009b\u202e'], true)).toBe(
      'a\\\\b, c\\td, \\x1b[2J\\x9b\\u202e',
    );
    expect(formatCell(['a\\b', 'c\td', '\u001b[2J\u009b\u202e'], false)).toBe(
      'a\\b, c d, \\x1b[2J\\x9b\\u202e',
    );
  });

  it('table mode aligns columns under a header', () => {
    const stdout = sink(true, 80);
    new Output({ json: false, color: false, env: {}, stdout, stderr: sink(true) }).table(
      rows,
      columns,
    );
    expect(stdout.text).toBe(
      ['NAME             TAGS', 'alpha            a, b', 'tab and newline', ''].join('\n'),
    );
  });

  it('table mode shrinks the widest column to fit the terminal, with an ellipsis', () => {
    const stdout = sink(true, 30);
    const wide = [{ name: 'x'.repeat(50), tags: ['t'] }];
    new Output({ json: false, color: false, env: {}, stdout, stderr: sink(true) }).table(
      wide,
      columns,
    );
    const lines = stdout.text.trimEnd().split('\n');
    expect(lines[1]).toBe(`${'x'.repeat(23)}…  t`);
    expect(lines.every((line) => [...line].length <= 30)).toBe(true);
  });

  it('stream writes a valid JSON array incrementally, or TSV rows, and counts', async () => {
    const stdout = sink(false);
    const out = new Output({ json: true, color: undefined, env: {}, stdout, stderr: sink(false) });
    const count = await out.stream(pages([rows[0]!], [rows[1]!]), columns);
    expect(count).toBe(2);
    expect(JSON.parse(stdout.text)).toEqual(rows);

    const empty = sink(false);
    await new Output({
      json: true,
      color: undefined,
      env: {},
      stdout: empty,
      stderr: sink(false),
    }).stream(pages<(typeof rows)[number]>(), columns);
    expect(JSON.parse(empty.text)).toEqual([]);

    const plain = sink(false);
    await new Output({
      json: false,
      color: undefined,
      env: {},
      stdout: plain,
      stderr: sink(false),
    }).stream(pages([rows[0]!], [rows[0]!]), columns);
    expect(plain.text).toBe('alpha\ta, b\nalpha\ta, b\n');
  });

  it('stream shows progress on a terminal stderr and clears it', async () => {
    const stderr = sink(true);
    const stdout = sink(true, 80);
    await new Output({ json: false, color: false, env: {}, stdout, stderr }).stream(
      pages([rows[0]!], [rows[0]!]),
      columns,
      { label: 'groups' },
    );
    expect(stderr.text).toContain('Fetching more groups… 1 so far');
    expect(stderr.text.endsWith('\r\u001b[2K')).toBe(true);
    expect(stdout.text.split('\n')[0]).toMatch(/^NAME +TAGS$/);
    expect(stdout.text.split('\n').filter((l) => l.startsWith('alpha'))).toHaveLength(2);
  });

  it('success lines appear only on a terminal', () => {
    const tty = sink(true);
    new Output({ json: false, color: false, env: {}, stdout: tty, stderr: sink(true) }).success(
      'Done',
    );
    expect(tty.text).toBe('✓ Done\n');
    const piped = sink(false);
    new Output({ json: false, color: false, env: {}, stdout: piped, stderr: sink(false) }).success(
      'Done',
    );
    expect(piped.text).toBe('');
  });
});
