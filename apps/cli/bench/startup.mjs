// Startup cost of the CLI: median wall time of `iamkit --version` (and `--help`) next to
// `node -e 0`, runs interleaved so machine noise hits both alike. Goal: --version <= 1.5x.
// Run after a build: `pnpm --filter @iamkit/cli bench` (or `pnpm bench` at the root).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
if (!existsSync(bin)) {
  console.error(`${bin} is missing: build first (pnpm --filter @iamkit/cli build)`);
  process.exit(1);
}
const runs = Number(process.env.BENCH_RUNS ?? 25);
const home = mkdtempSync(join(tmpdir(), 'iamkit-bench-'));
const env = { PATH: process.env.PATH, HOME: home };

const cases = {
  'node -e 0': ['-e', '0'],
  'iamkit --version': [bin, '--version'],
  'iamkit --help': [bin, '--help'],
};

function time(args) {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { env, stdio: 'ignore' });
  if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const samples = Object.fromEntries(Object.keys(cases).map((name) => [name, []]));
for (const args of Object.values(cases)) time(args); // warm the file cache
for (let i = 0; i < runs; i++) {
  for (const [name, args] of Object.entries(cases)) samples[name].push(time(args));
}
rmSync(home, { recursive: true, force: true });

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const baseline = median(samples['node -e 0']);
console.log(`startup, median of ${runs} interleaved runs (Node ${process.versions.node})`);
for (const name of Object.keys(cases)) {
  const m = median(samples[name]);
  console.log(`  ${name.padEnd(18)} ${m.toFixed(1).padStart(7)} ms  ${(m / baseline).toFixed(2)}x`);
}
const ratio = median(samples['iamkit --version']) / baseline;
console.log(
  `iamkit --version / node -e 0 = ${ratio.toFixed(2)}x (goal <= 1.5x): ${ratio <= 1.5 ? 'met' : 'MISSED'}`,
);
