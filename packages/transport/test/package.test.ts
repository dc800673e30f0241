/**
 * Packaging promises: the main entry bundles for browsers with no Node built-ins, importing it
 * constructs nothing, jose stays out of bundles that never use Authress, and VERSION matches
 * package.json.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { VERSION } from '../src/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

async function bundle(contents: string) {
  const result = await build({
    stdin: { contents, resolveDir: root, loader: 'ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const output = Object.values(result.metafile.outputs)[0];
  return { code: result.outputFiles[0]?.text ?? '', inputs: Object.keys(output?.inputs ?? {}) };
}

describe('package', () => {
  it('bundles the main entry for the browser without Node built-ins', async () => {
    const { code, inputs } = await bundle(
      `import * as transport from './src/index.ts'; globalThis.t = transport;`,
    );
    expect(inputs.some((input) => input.startsWith('node:'))).toBe(false);
    expect(code).not.toMatch(/from\s*"node:|require\("node:/);
  });

  it('constructs nothing at import time: an unused import bundles to nothing', async () => {
    const { code } = await bundle(`import './src/index.ts';`);
    expect(code.trim()).toBe('');
  });

  it('keeps jose out of a bundle that does not use Authress', async () => {
    const { inputs } = await bundle(
      `import { Transport, apiKeyAuth } from './src/index.ts';
       new Transport({ baseUrl: 'https://api.tiledb.com', auth: apiKeyAuth('k') }).request({ method: 'GET', path: '/v1/x' });`,
    );
    expect(inputs.some((input) => input.includes('jose'))).toBe(false);
  });

  it('the ./node entry is the only one that touches Node built-ins', async () => {
    const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));
    expect(Object.keys(pkg.exports)).toEqual(['.', './node', './package.json']);
    const source = await readFile(join(root, 'src', 'node.ts'), 'utf8');
    expect(source).toContain("from 'node:fs/promises'");
  });

  it('VERSION matches package.json', async () => {
    const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));
    expect(VERSION).toBe(pkg.version);
  });
});
