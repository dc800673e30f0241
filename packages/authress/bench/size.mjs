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
  // Bytes of minified output per package, then the largest files.
  const inputs = Object.values(result.metafile.outputs)[0].inputs;
  const packageOf = (file) => {
    const inModules = file.split('node_modules/').pop();
    if (inModules !== file)
      return inModules.startsWith('@')
        ? inModules.split('/').slice(0, 2).join('/')
        : inModules.split('/')[0];
    const local = /^\.\.\/([^/]+)\//.exec(file);
    return local ? `@iamkit/${local[1]}` : '@iamkit/authress';
  };
  const byPackage = new Map();
  for (const [file, info] of Object.entries(inputs)) {
    const name = packageOf(file);
    byPackage.set(name, (byPackage.get(name) ?? 0) + info.bytesInOutput);
  }
  console.log('  by package (minified bytes):');
  for (const [name, bytes] of [...byPackage].sort((a, b) => b[1] - a[1])) {
    console.log(`    ${String(bytes).padStart(7)}  ${name}`);
  }
  console.log('  largest files:');
  const rows = Object.entries(inputs)
    .map(([file, info]) => [info.bytesInOutput, file.replace(/^.*node_modules\//, '')])
    .sort((a, b) => b[0] - a[0]);
  for (const [bytes, file] of rows.slice(0, 15))
    console.log(`    ${String(bytes).padStart(7)}  ${file}`);
}

// A benchmark reports; it does not fail the run (goals are not tests).
console.log(
  gzipped <= GOAL_BYTES
    ? `  goal met (${GOAL_BYTES - gzipped} bytes to spare)`
    : `  goal MISSED by ${gzipped - GOAL_BYTES} bytes; run with --meta for the breakdown`,
);
