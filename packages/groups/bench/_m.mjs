import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const r = await build({
  entryPoints: ['bench/entry.ts'],
  bundle: true,
  platform: 'browser',
  format: 'esm',
  minify: true,
  target: 'es2022',
  write: false,
  logLevel: 'error',
  external: ['@iamkit/transport', 'valibot'],
});
const c = r.outputFiles[0].contents;
console.error(c.length, gzipSync(c, { level: 9 }).length);
console.log(new TextDecoder().decode(c));
