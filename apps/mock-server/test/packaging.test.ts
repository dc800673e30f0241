/** How people load the package: ESM import, and require() from CommonJS suites (Jest). */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const packageDir = fileURLToPath(new URL('..', import.meta.url));

describe('loading @iamkit/mock-server', () => {
  it('works with require() from CommonJS (no top-level await anywhere in its graph)', async () => {
    const script = `
      const { startMockServer } = require('@iamkit/mock-server');
      startMockServer({ port: 0 }).then(async (server) => {
        const health = await (await fetch(server.url + '/__admin/health')).json();
        await server.close();
        console.log(JSON.stringify({ status: health.status, version: health.version }));
      });`;
    const { stdout } = await run(process.execPath, ['--input-type=commonjs', '-e', script], {
      cwd: packageDir,
    });
    const pkg = (await import('../package.json', { with: { type: 'json' } })).default;
    expect(JSON.parse(stdout)).toEqual({ status: 'ok', version: pkg.version });
  });
});
