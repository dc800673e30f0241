// pnpm bench: (a) per-call cost of a transport GET next to raw fetch, interleaved, as ratios
// of median wall time and client CPU time; (b) min+gzip size of a minimal browser bundle.
// Two reference rows show what an AbortSignal costs Node's fetch, with and without our layer:
// the transport sends none unless the caller passes one (see docs/decisions.md).
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureBrowserBundle } from '../../../scripts/bundle-size.mjs';
import { Transport } from '../dist/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const GOAL_RATIO = 1.1;
const GOAL_BYTES = 7 * 1024;
// Many short batches, the contenders' order rotating each round: a garbage collection one
// contender causes then lands in the others' batches as often as in its own.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 300);
const CALLS = Number(process.env.BENCH_CALLS ?? 20);
const WARMUP_CALLS = 500;

async function startServer() {
  const child = spawn(process.execPath, [join(here, 'server.mjs')], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const port = await new Promise((resolve, reject) => {
    child.once('error', reject);
    child.stdout.once('data', (chunk) => resolve(Number(String(chunk).trim())));
  });
  return { url: `http://127.0.0.1:${port}`, stop: () => child.stdin.end() };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function perCall(baseUrl) {
  const url = `${baseUrl}/v2/groups/demo/bench-group`;
  const transport = new Transport({ baseUrl });
  const callerSignal = new AbortController().signal;
  const contenders = {
    'raw fetch': async () => {
      const response = await fetch(url, { headers: { accept: 'application/json' } });
      return JSON.parse(await response.text());
    },
    transport: () =>
      transport.request({
        method: 'GET',
        path: '/v2/groups/{namespace}/{name}',
        params: { namespace: 'demo', name: 'bench-group' },
      }),
    'raw fetch + AbortSignal': async () => {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), 30_000);
      try {
        const response = await fetch(url, {
          headers: { accept: 'application/json' },
          signal: controller.signal,
        });
        return JSON.parse(await response.text());
      } finally {
        clearTimeout(timer);
      }
    },
    'transport, caller signal': () =>
      transport.request({
        method: 'GET',
        path: '/v2/groups/{namespace}/{name}',
        params: { namespace: 'demo', name: 'bench-group' },
        signal: callerSignal,
      }),
  };
  const names = Object.keys(contenders);
  for (const run of Object.values(contenders)) for (let i = 0; i < WARMUP_CALLS; i++) await run();
  const wall = Object.fromEntries(names.map((name) => [name, []]));
  const cpu = Object.fromEntries(names.map((name) => [name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    // Rotate the order each round so no contender always runs first (or after a GC).
    const order = names.map((_, i) => names[(i + round) % names.length]);
    for (const name of order) {
      const run = contenders[name];
      const cpuBefore = process.cpuUsage();
      const start = performance.now();
      for (let i = 0; i < CALLS; i++) await run();
      const elapsed = performance.now() - start;
      const used = process.cpuUsage(cpuBefore);
      wall[name].push((elapsed * 1000) / CALLS);
      cpu[name].push((used.user + used.system) / CALLS);
    }
  }
  const base = { wall: median(wall['raw fetch']), cpu: median(cpu['raw fetch']) };
  return names.map((name) => ({
    name,
    wallUs: median(wall[name]),
    cpuUs: median(cpu[name]),
    wallRatio: median(wall[name]) / base.wall,
    cpuRatio: median(cpu[name]) / base.cpu,
  }));
}

const bundleSize = () => measureBrowserBundle(join(here, 'entry-browser.js'));

const fmt = (n, digits = 1) => n.toFixed(digits);
const server = await startServer();
try {
  console.log(
    `@iamkit/transport bench — ${ROUNDS} interleaved rounds x ${CALLS} GETs per contender, Node ${process.versions.node}`,
  );
  const rows = await perCall(server.url);
  console.log(
    '\n(a) per-call cost of one GET (median of the per-call means of each batch; server in a child process)',
  );
  console.log(`${'contender'.padEnd(29)} wall µs   cpu µs   wall ratio   cpu ratio`);
  for (const row of rows) {
    console.log(
      `${row.name.padEnd(29)} ${fmt(row.wallUs).padStart(7)} ${fmt(row.cpuUs).padStart(8)} ${fmt(row.wallRatio, 2).padStart(11)}x ${fmt(row.cpuRatio, 2).padStart(10)}x`,
    );
  }
  const transportRow = rows.find((row) => row.name === 'transport');
  const size = await bundleSize();
  console.log('\n(b) minimal browser bundle (esbuild, platform browser, minified)');
  console.log(`min ${size.min} B, min+gzip ${size.gzip} B (${fmt(size.gzip / 1024, 2)} KB)`);
  for (const [name, bytes] of size.byPackage)
    console.log(`  ${name.padEnd(20)} ${String(bytes).padStart(6)} B min`);
  console.log('\ngoal                               measured     status');
  const wallOk = transportRow.wallRatio <= GOAL_RATIO;
  const cpuOk = transportRow.cpuRatio <= GOAL_RATIO;
  const sizeOk = size.gzip <= GOAL_BYTES;
  console.log(
    `wall time <= ${GOAL_RATIO}x raw fetch         ${fmt(transportRow.wallRatio, 2)}x        ${wallOk ? 'met' : 'MISSED'}`,
  );
  console.log(
    `client CPU <= ${GOAL_RATIO}x raw fetch        ${fmt(transportRow.cpuRatio, 2)}x        ${cpuOk ? 'met' : 'MISSED'}`,
  );
  console.log(
    `min+gzip bundle <= 7 KB            ${fmt(size.gzip / 1024, 2)} KB     ${sizeOk ? 'met' : 'MISSED'}`,
  );
} finally {
  server.stop();
}
