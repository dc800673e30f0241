/**
 * Values from the server never reach the terminal raw, and piped cells are escaped exactly
 * once: the built binary against the real mock server, piped and in table mode.
 */
import { AuthressGroupsClient } from '@iamkit/authress';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliHarness, type RunOptions, startCli } from './helpers.js';

let cli: CliHarness;
let env: Record<string, string>;
let client: AuthressGroupsClient;

beforeAll(async () => {
  cli = await startCli();
  await cli.login();
  const accessKey = cli.server.identities.serviceClients[0]!.accessKey!;
  env = { AUTHRESS_URL: cli.server.authressUrl, AUTHRESS_ACCESS_KEY: accessKey };
  client = new AuthressGroupsClient({ authressApiUrl: cli.server.authressUrl, accessKey });
});
afterAll(async () => {
  await cli.close();
});

const TTY = { IAMKIT_FORCE_TTY: '1', COLUMNS: '200' };

async function run(args: string[], options: RunOptions = {}) {
  const result = await cli.run([...args, '--no-color'], {
    ...options,
    env: { ...env, ...options.env },
  });
  // A terminal stderr gets the `--all` progress line; nothing else is expected there.
  if (!options.env?.['IAMKIT_FORCE_TTY']) expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return result.stdout;
}

/** The README's decoding rule for a piped cell. */
function decode(cell: string): string {
  return cell.replace(/\\(?:x([0-9a-f]{2})|u([0-9a-f]{4})|(.))/g, (_, x, u, c) => {
    if (x !== undefined || u !== undefined) return String.fromCharCode(Number.parseInt(x ?? u, 16));
    return ({ t: '\t', n: '\n', r: '\r', '\\': '\\' } as Record<string, string>)[c] ?? `\\${c}`;
  });
}

/** `key<TAB>value` lines as [key, value] pairs. */
const pairs = (stdout: string) =>
  stdout
    .trimEnd()
    .split('\n')
    .map((line) => line.split('\t'));

describe('control characters from the server are shown escaped', () => {
  const name = '\u001b[31mRED\u001b[0m innocent\rEVIL \u202etxt.exe\u2066 \u009b2J\u007f\u0000\\x';
  beforeAll(async () => {
    await client.createGroup({ groupId: 'grp_esc', name, users: [], admins: [] });
  });

  it('piped: every control escaped, backslash doubled, and the cell decodes back', async () => {
    const group = await client.getGroup('grp_esc');
    const got = await run(['authress', 'groups', 'get', 'grp_esc']);
    expect(got).toBe(
      [
        'groupId\tgrp_esc',
        'name\t\\x1b[31mRED\\x1b[0m innocent\\rEVIL \\u202etxt.exe\\u2066 \\x9b2J\\x7f\\x00\\\\x',
        'users\t',
        'admins\t',
        'tags\t',
        `lastUpdated\t${group.lastUpdated}`,
        '',
      ].join('\n'),
    );
    expect(decode(pairs(got)[1]![1]!)).toBe(name);
    // --json stays the API's JSON exactly.
    const json = await run(['authress', 'groups', 'get', 'grp_esc', '--json']);
    expect((JSON.parse(json) as { name: string }).name).toBe(name);
    const listed = await run(['authress', 'groups', 'list', '--filter', 'RED']);
    expect(listed).toBe(
      `grp_esc\t\\x1b[31mRED\\x1b[0m innocent\\rEVIL \\u202etxt.exe\\u2066 \\x9b2J\\x7f\\x00\\\\x\t0\t0\t${group.lastUpdated}\n`,
    );
  });

  it('table (IAMKIT_FORCE_TTY=1): the same escapes, backslashes as they are', async () => {
    const { lastUpdated } = await client.getGroup('grp_esc');
    const shown = '\\x1b[31mRED\\x1b[0m innocent\\rEVIL \\u202etxt.exe\\u2066 \\x9b2J\\x7f\\x00\\x';
    expect(await run(['authress', 'groups', 'get', 'grp_esc'], { env: TTY })).toBe(
      [
        'groupId      grp_esc',
        `name         ${shown}`,
        'users        -',
        'admins       -',
        'tags         -',
        `lastUpdated  ${lastUpdated}`,
        '',
      ].join('\n'),
    );
    const listed = await run(['authress', 'groups', 'list', '--filter', 'RED'], { env: TTY });
    expect(listed.split('\n')[1]).toBe(`grp_esc   ${shown}  0      0       ${lastUpdated}`);
    const streamed = await run(['authress', 'groups', 'list', '--filter', 'RED', '--all'], {
      env: TTY,
    });
    // --all pads the columns for later pages; the cells are the same.
    expect(streamed.split('\n')[1]!.split(/ {2,}/)).toEqual([
      'grp_esc',
      shown,
      '0',
      '0',
      lastUpdated,
    ]);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: no control may reach the terminal
    expect(listed + streamed).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
  });

  it('metadata keys and member names are cells too', async () => {
    await cli.run(['groups', 'create', 'demo', 'escapes']);
    const set = await cli.run(['groups', 'metadata', 'set', 'demo', 'escapes', 'k\u001b[1m=v']);
    expect(set.code).toBe(0);
    const added = await cli.run([
      'groups',
      'members',
      'add',
      'demo',
      'escapes',
      's3://bucket/variants',
      '--member-name',
      'n\tm\u001b[2J\\',
    ]);
    expect(added.stderr).toBe('');
    expect(await run(['groups', 'metadata', 'get', 'demo', 'escapes'])).toBe('k\\x1b[1m\tv\n');
    expect(await run(['groups', 'metadata', 'get', 'demo', 'escapes'], { env: TTY })).toBe(
      'k\\x1b[1m  v\n',
    );
    expect(await run(['groups', 'get', 'demo', 'escapes', '--members'])).toMatch(
      /^n\\tm\\x1b\[2J\\\\\tARRAY\ts3:\/\/bucket\/variants\n$/,
    );
    const table = await run(['groups', 'get', 'demo', 'escapes', '--members'], { env: TTY });
    expect(table.split('\n')[1]).toBe('n m\\x1b[2J\\  ARRAY  s3://bucket/variants');
  });

  it('one value printed alone is data when piped, and safe on a terminal', async () => {
    await cli.run(['groups', 'create', 'demo', 'single']);
    const value = 'line one\u001b[31m\nline two';
    const set = await cli.run(['groups', 'metadata', 'set', 'demo', 'single', `note=${value}`]);
    expect(set.code, set.stderr).toBe(0);
    // Piped: exactly the stored text, for $(iamkit groups metadata get ...).
    expect(await run(['groups', 'metadata', 'get', 'demo', 'single', 'note'])).toBe(`${value}\n`);
    // On a terminal: the escape shown, the line break kept.
    expect(await run(['groups', 'metadata', 'get', 'demo', 'single', 'note'], { env: TTY })).toBe(
      'line one\\x1b[31m\nline two\n',
    );
  });
});

describe('list cells are escaped exactly once', () => {
  beforeAll(async () => {
    await client.createGroup({
      groupId: 'grp_t',
      name: 'T\tab',
      users: [{ userId: 'oauth2|a\tb' }, { userId: 'oauth2|c\nd' }],
      admins: [{ userId: 'oauth2|e\rf' }],
      tags: { k: 'a\\b', t: 'x\ty' },
    });
  });

  it('piped: a tab in a user id and a backslash in a tag read as in single-value cells', async () => {
    const group = await client.getGroup('grp_t');
    const got = await run(['authress', 'groups', 'get', 'grp_t']);
    expect(got).toBe(
      [
        'groupId\tgrp_t',
        'name\tT\\tab',
        'users\toauth2|a\\tb, oauth2|c\\nd',
        'admins\toauth2|e\\rf',
        'tags\tk=a\\\\b, t=x\\ty',
        `lastUpdated\t${group.lastUpdated}`,
        '',
      ].join('\n'),
    );
    const decoded = Object.fromEntries(pairs(got).map(([key, cell]) => [key, decode(cell!)]));
    expect(decoded).toMatchObject({
      name: 'T\tab',
      users: 'oauth2|a\tb, oauth2|c\nd',
      admins: 'oauth2|e\rf',
      tags: 'k=a\\b, t=x\ty',
    });
  });

  it('table (IAMKIT_FORCE_TTY=1): tabs and newlines as spaces, backslashes once', async () => {
    const { lastUpdated } = await client.getGroup('grp_t');
    expect(await run(['authress', 'groups', 'get', 'grp_t'], { env: TTY })).toBe(
      [
        'groupId      grp_t',
        'name         T ab',
        'users        oauth2|a b, oauth2|c d',
        'admins       oauth2|e\\rf',
        'tags         k=a\\b, t=x y',
        `lastUpdated  ${lastUpdated}`,
        '',
      ].join('\n'),
    );
  });
});
