/**
 * The one way our benches measure a browser bundle: esbuild (platform browser, minified ESM,
 * es2022), then gzip level 9, with a breakdown by package so a miss can be explained.
 */
import { createRequire } from 'node:module';
import { dirname, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
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
export async function measureBrowserBundle(entry, plugins = []) {
  const result = await build({
    plugins,
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

// What the transport's stand-in does: one fetch per call, nothing else. Requests are still
// validated (the clients' own schemas), and an access key still signs its JWT with jose.
const TRANSPORT_STAND_IN = `
import * as v from 'valibot';
export const validateRequest = (schema, value) => v.parse(schema, value);
export const normalizeTileDBHost = (host) => host;
export const authressAccessKeyAuth = (key) => ({ async headers() {
  const der = Uint8Array.from(atob(key.split('.')[3] ?? ''), (c) => c.charCodeAt(0));
  const k = await crypto.subtle.importKey('pkcs8', der, { name: 'Ed25519' }, false, ['sign']);
  const { CompactSign } = await import('jose/jws/compact/sign');
  const claims = new TextEncoder().encode(JSON.stringify({ sub: key.split('.')[0] }));
  const jwt = await new CompactSign(claims).setProtectedHeader({ alg: 'EdDSA' }).sign(k);
  return { authorization: 'Bearer ' + jwt };
} });
export class Transport {
  constructor(options) { this.options = options; }
  static from(options, baseUrl) { return new Transport({ ...options, baseUrl: options?.baseUrl ?? baseUrl }); }
  async request(spec) {
    const headers = await this.options.auth?.headers();
    const response = await fetch(this.options.baseUrl + spec.path, { method: spec.method, headers, body: JSON.stringify(spec.body) });
    return response.json();
  }
}
`;

/**
 * An esbuild plugin that replaces `@iamkit/transport` with a stand-in that only calls fetch
 * (no retries, timeouts, error classes, redaction or response checks; every other export an
 * empty class or function). A bundle built with it is the floor under the real one: what
 * the clients, their models and valibot (and jose) weigh with no transport at all.
 */
async function transportFloorPlugin(entry) {
  const require = createRequire(entry);
  const real = require.resolve('@iamkit/transport');
  const names = Object.keys(await import(pathToFileURL(real).href));
  const defined = new Set(
    [...TRANSPORT_STAND_IN.matchAll(/export (?:const|class) (\w+)/g)].map((m) => m[1]),
  );
  const rest = names
    .filter((name) => !defined.has(name))
    .map((name) =>
      /^[A-Z][a-z]/.test(name)
        ? `export class ${name} extends Error {}`
        : `export const ${name} = () => ({});`,
    );
  return {
    name: 'transport-floor',
    setup(builder) {
      builder.onResolve({ filter: /^@iamkit\/transport$/ }, () => ({
        path: 'transport-floor',
        namespace: 'transport-floor',
      }));
      builder.onLoad({ filter: /.*/, namespace: 'transport-floor' }, () => ({
        contents: `${TRANSPORT_STAND_IN}\n${rest.join('\n')}\n`,
        loader: 'js',
        resolveDir: dirname(real),
      }));
    },
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
  if (process.argv.includes('--floor')) {
    const floor = await measureBrowserBundle(entry, [await transportFloorPlugin(entry)]);
    console.log(
      `  floor, @iamkit/transport replaced by a fetch-only stand-in: ${floor.gzip} bytes min+gzip (${kb(floor.gzip)}); ${goalBytes - floor.gzip} bytes of the goal left for the transport`,
    );
  }
  return size;
}
