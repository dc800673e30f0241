// Writes src/version.ts from package.json before each build, so a `changeset version` bump
// reaches the User-Agent without a hand edit.
import { readFile, writeFile } from 'node:fs/promises';

const root = new URL('../', import.meta.url);
const { version } = JSON.parse(await readFile(new URL('package.json', root), 'utf8'));
const target = new URL('src/version.ts', root);
const source = `/** Written from package.json by scripts/sync-version.mjs on every build. */\nexport const VERSION = '${version}';\n`;
const current = await readFile(target, 'utf8').catch(() => '');
if (current !== source) await writeFile(target, source);
