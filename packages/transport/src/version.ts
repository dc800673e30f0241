/** Written from package.json by scripts/sync-version.mjs on every build. */
export const VERSION = '0.0.0';
