/**
 * `@iamkit/cli` as a library: run the CLI in-process, and the building blocks domain
 * commands use (see COMMANDS.md).
 */

export { parseKeyValues, TILEDB_ASSET_USAGE, takeTileDBAsset, tiledbAssetArgs } from './args.js';
export { defineIamkitCommand, defineIamkitGroup, type IamkitCommandDef } from './command.js';
export type { Context } from './context.js';
export { CommandError, ExitCode, NotLoggedInError, reportError, UsageError } from './errors.js';
export { type MainOptions, main } from './main.js';
export { type Column, Output, type OutputMode } from './output.js';
