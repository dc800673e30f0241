/**
 * Browser bundle size of an app that imports GroupsClient and calls one method
 * (retrieveGroup): esbuild, platform browser, minified ESM, then gzip level 9.
 * Pass --meta to print what the bundle is made of, largest first.
 */

import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const GOAL_BYTES = 10 * 1024;
const entry = fileURLToPath(new URL('./entry.ts', import.meta.url));

const result = await build({
  entryPoints: [entry],
  bundle: true,
  platform: 'browser',
  format: 'esm',
  minify: true,
  target: 'es2022',
  write: false,
  metafile: true,
  logLevel: 'warning',
});
const code = result.outputFiles[0].contents;
const gzipped = gzipSync(code, { level: 9 }).length;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

console.log('@iamkit/groups browser bundle (GroupsClient + apiKeyAuth + retrieveGroup)');
console.log(`  min:      ${code.length} bytes (${kb(code.length)})`);
console.log(`  min+gzip: ${gzipped} bytes (${kb(gzipped)}); goal <= ${kb(GOAL_BYTES)}`);
console.log(
  '  reference: official TileDB Cloud JS client ~75 KB min+gzip, not bundleable for browsers',
);

if (process.argv.includes('--meta')) {
  const inputs = Object.values(result.metafile.outputs)[0].inputs;
  const rows = Object.entries(inputs)
    .map(([file, info]) => [info.bytesInOutput, file])
    .sort((a, b) => b[0] - a[0]);
  for (const [bytes, file] of rows.slice(0, 40)) {
    console.log(`  ${String(bytes).padStart(7)}  ${file}`);
  }
}

// A measurement, not a gate: the verdict is printed, and `pnpm bench` goes on to the others.
console.log(
  gzipped <= GOAL_BYTES
    ? '  within the goal'
    : `  OVER the goal by ${gzipped - GOAL_BYTES} bytes (run with --meta to see what is in the bundle)`,
);
