#!/usr/bin/env node
// The main job: start iamkit-mock on a free port, then run a short iamkit session against it,
// printing each command and its output. Runs in a throwaway HOME so nothing of yours is touched.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const root = new URL('..', import.meta.url).pathname;
const mockBin = join(root, 'apps/mock-server/dist/cli.js');
const cliBin = join(root, 'apps/cli/dist/bin.js');
const home = mkdtempSync(join(tmpdir(), 'iamkit-demo-'));

const env = { HOME: home, XDG_CONFIG_HOME: join(home, '.config'), PATH: process.env.PATH };
// Show the terminal tables when the demo itself runs in a terminal; plain rows when piped.
if (process.stdout.isTTY) env.IAMKIT_FORCE_TTY = '1';
else env.NO_COLOR = '1';

const mock = spawn(process.execPath, [mockBin, '--port', '0'], {
  env,
  stdio: ['ignore', 'pipe', 'inherit'],
});
const startup = await new Promise((resolve, reject) => {
  const lines = [];
  const reader = createInterface({ input: mock.stdout });
  const timer = setTimeout(
    () => reject(new Error('iamkit-mock did not start within 15 s')),
    15_000,
  );
  mock.once('exit', (code) => reject(new Error(`iamkit-mock exited early with code ${code}`)));
  reader.on('line', (line) => {
    lines.push(line);
    if (line.startsWith('Ctrl-C')) {
      clearTimeout(timer);
      resolve(lines);
    }
  });
});
const url = startup[0].replace(/^listening on /, '');
const accessKey = startup
  .find((line) => line.trim().startsWith('access key:'))
  .split('access key:')[1]
  .trim();
console.log(
  `$ iamkit-mock --port 0\n${startup[0]}\n  (seeded: user demo with API key demo-api-key, an Authress service client)\n`,
);

let failures = 0;
// Shown as a person would type it: words with shell characters quoted.
const shellWord = (word) => (/[^\w@%+=:,./-]/.test(word) ? `'${word}'` : word);

function iamkit(args, { input, expect = 0, show = args.map(shellWord).join(' ') } = {}) {
  console.log(`$ iamkit ${show}`);
  const result = spawnSync(process.execPath, [cliBin, ...args], { env, input, encoding: 'utf8' });
  process.stdout.write(result.stdout);
  process.stdout.write(result.stderr);
  if (result.status !== expect) {
    failures += 1;
    console.log(`!! expected exit code ${expect}, got ${result.status}`);
  } else if (expect !== 0) {
    console.log(`(exit code ${result.status})`);
  }
  console.log('');
}

try {
  iamkit(['login', '--host', url, '--api-key', 'demo-api-key']);
  iamkit(['whoami']);
  iamkit(['groups', 'create', 'demo', 'reports']);
  iamkit([
    'groups',
    'members',
    'add',
    'tiledb://demo/reports',
    's3://demo-bucket/sales',
    '--member-name',
    'sales',
  ]);
  iamkit([
    'groups',
    'metadata',
    'set',
    'tiledb://demo/reports',
    'owner=analytics',
    'retention_days=30',
  ]);
  iamkit(['groups', 'get', 'tiledb://demo/reports']);
  iamkit(['groups', 'exists', 'tiledb://demo/no-such-group'], { expect: 3 });
  iamkit(['login', '--authress', '--authress-url', `${url}/authress`, '--access-key-stdin'], {
    input: accessKey,
    show: `login --authress --authress-url ${url}/authress --access-key-stdin < access-key.txt`,
  });
  iamkit([
    'authress',
    'groups',
    'create',
    '--id',
    'grp_editors',
    '--name',
    'Editors',
    '--users',
    'oauth2|alice,oauth2|bob',
  ]);
  iamkit(['authress', 'groups', 'list']);
  iamkit(['config', 'list']);
} finally {
  mock.kill('SIGTERM');
  await new Promise((resolve) => mock.once('exit', resolve));
  rmSync(home, { recursive: true, force: true });
}
console.log(
  failures === 0
    ? 'demo finished: every command behaved as expected'
    : `demo: ${failures} command(s) misbehaved`,
);
process.exit(failures === 0 ? 0 : 1);
