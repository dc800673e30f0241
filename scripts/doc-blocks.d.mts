export function typecheckDocBlocks(options: {
  /** Absolute path of the app (the folder holding `doc` and `src`). */
  appDir: string;
  /** The document's file name inside appDir, e.g. `COMMANDS.md`. */
  doc: string;
  /** The app's path in the repo, e.g. `apps/cli`: path comments may start with it. */
  appPath: string;
}): Promise<{ blocks: number; report: string; exitCode: number }>;
