/**
 * Browser bundle size of an app that imports AuthressGroupsClient and calls one method
 * (JWT signing included): esbuild, platform browser, minified ESM, then gzip level 9.
 * Pass --meta to print what the bundle is made of.
 */

import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const GOAL_BYTES = 14 * 1024;
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

console.log(`@iamkit/authress browser bundle (AuthressGroupsClient + getGroup + JWT signing)`);
console.log(`  min:      ${code.length} bytes (${kb(code.length)})`);
console.log(`  min+gzip: ${gzipped} bytes (${kb(gzipped)}); goal <= ${kb(GOAL_BYTES)}`);
console.log(`  reference: @authress/sdk ~43 KB min+gzip, Node only`);

if (process.argv.includes('--meta')) {
  const inputs = Object.entries(result.metafile.outputs)[0][1].inputs;
  const rows = Object.entries(inputs)
    .map(([file, info]) => [info.bytesInOutput, file])
    .sort((a, b) => b[0] - a[0]);
  for (const [bytes, file] of rows.slice(0, 40))
    console.log(`  ${String(bytes).padStart(7)}  ${file}`);
}

if (gzipped > GOAL_BYTES) {
  console.error(`over the ${kb(GOAL_BYTES)} goal by ${gzipped - GOAL_BYTES} bytes`);
  process.exitCode = 1;
}
