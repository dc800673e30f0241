import { readFileSync } from 'node:fs';

/** The package version, read once from package.json (no JSON import: it stays cheap). */
export function cliVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}
