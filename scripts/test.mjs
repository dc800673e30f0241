#!/usr/bin/env node
// The whole test command: lint, typecheck, every package's tests (turbo, in dependency order),
// then one closing line summing every vitest run: "N passed, N failed".
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const workspaces = ['packages', 'apps'].flatMap((dir) => {
  const base = join(root, dir);
  return existsSync(base)
    ? spawnSync('ls', [base], { encoding: 'utf8' })
        .stdout.split('\n')
        .filter(Boolean)
        .map((name) => join(base, name))
    : [];
});
const reportOf = (dir) => join(dir, 'test-results.json');
for (const dir of workspaces) rmSync(reportOf(dir), { force: true });

function run(command, args) {
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: root, env: process.env });
  return result.status ?? 1;
}

let status = run('pnpm', ['exec', 'biome', 'check', '.']);
if (status === 0)
  status = run('pnpm', ['exec', 'turbo', 'run', 'typecheck', 'test', '--concurrency=1']);

let passed = 0;
let failed = 0;
let skipped = 0;
for (const dir of workspaces) {
  if (!existsSync(reportOf(dir))) continue;
  const report = JSON.parse(readFileSync(reportOf(dir), 'utf8'));
  passed += report.numPassedTests ?? 0;
  failed += report.numFailedTests ?? 0;
  skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
}
if (status !== 0 && failed === 0) failed = 1; // lint, typecheck, build or publint failed
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(status);
