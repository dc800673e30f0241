/**
 * The one way our benches measure a browser bundle: esbuild (platform browser, minified ESM,
 * es2022), then gzip level 9, with a breakdown by package so a miss can be explained.
 */
import { resolve, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

function packageOf(absolutePath) {
  const inModules = absolutePath.split(`node_modules${sep}`).pop();
  if (inModules !== absolutePath) {
    const parts = inModules.split(sep);
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  const local = /[/\\](?:packages|apps)[/\\]([^/\\]+)[/\\](src|dist)[/\\]/.exec(absolutePath);
  return local ? `@iamkit/${local[1]}` : 'bench entry';
}

/**
 * Bundles `entry` for the browser; returns min and min+gzip bytes and minified bytes per
 * package.
 */
export async function measureBrowserBundle(entry) {
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
  const inputs = Object.values(result.metafile.outputs)[0].inputs;
  const byPackage = new Map();
  const files = [];
  for (const [file, info] of Object.entries(inputs)) {
    const absolute = resolve(process.cwd(), file);
    const name = packageOf(absolute);
    byPackage.set(name, (byPackage.get(name) ?? 0) + info.bytesInOutput);
    files.push([info.bytesInOutput, file.replace(/^.*node_modules\//, '')]);
  }
  return {
    min: code.length,
    gzip: gzipSync(code, { level: 9 }).length,
    byPackage: [...byPackage].sort((a, b) => b[1] - a[1]),
    files: files.sort((a, b) => b[0] - a[0]),
  };
}

/**
 * Prints one bundle's size against its goal, with the per-package breakdown (and, with
 * --meta, the largest files). A benchmark reports; it never fails the run.
 */
export async function reportBrowserBundle({ title, entry, goalBytes, reference }) {
  const size = await measureBrowserBundle(entry);
  console.log(title);
  console.log(`  min:      ${size.min} bytes (${kb(size.min)})`);
  console.log(`  min+gzip: ${size.gzip} bytes (${kb(size.gzip)}); goal <= ${kb(goalBytes)}`);
  if (reference) console.log(`  reference: ${reference}`);
  console.log('  by package (minified bytes):');
  for (const [name, bytes] of size.byPackage) {
    console.log(`    ${String(bytes).padStart(7)}  ${name}`);
  }
  if (process.argv.includes('--meta')) {
    console.log('  largest files:');
    for (const [bytes, file] of size.files.slice(0, 20)) {
      console.log(`    ${String(bytes).padStart(7)}  ${file}`);
    }
  }
  console.log(
    size.gzip <= goalBytes
      ? `  goal met (${goalBytes - size.gzip} bytes to spare)`
      : `  goal MISSED by ${size.gzip - goalBytes} bytes`,
  );
  return size;
}
