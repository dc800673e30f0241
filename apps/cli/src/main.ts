/**
 * Runs one invocation: global flags, help/version, the command, and the single place
 * where errors become a message on stderr and an exit code.
 */
import { AnswerExit, ExitCode, reportError, UsageError } from './errors.js';
import { extractGlobalFlags, type GlobalFlags } from './globals.js';
import { renderHelp } from './help.js';
import { Output } from './output.js';
import { root } from './root.js';
import { childrenOf, locate } from './tree.js';
import { cliVersion } from './version.js';

/** The name within edit distance 2 of `input`, if exactly one is closest. */
function closest(input: string, names: readonly string[]): string | undefined {
  const distance = (a: string, b: string): number => {
    const row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      let previous = row[0]!;
      row[0] = i;
      for (let j = 1; j <= b.length; j++) {
        const current = row[j]!;
        row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
        previous = current;
      }
    }
    return row[b.length]!;
  };
  let best: string | undefined;
  let bestDistance = input.length <= 4 ? 2 : 3; // short words: one typo at most
  for (const name of names) {
    const d = name.startsWith(input) ? 1 : distance(input, name);
    if (d < bestDistance) {
      best = name;
      bestDistance = d;
    }
  }
  return best;
}

/**
 * The first flag (global flags are already gone) that comes before the last command name in
 * `args`, or anywhere when the located command is a group: no group level declares flags.
 */
function flagBeforeCommand(
  args: readonly string[],
  path: readonly string[],
  atGroup: boolean,
): string | undefined {
  let names = 0;
  for (const arg of args) {
    if (arg === '--') return undefined;
    if (arg.startsWith('-') && arg !== '-') {
      if (atGroup || names < path.length)
        return arg.includes('=') ? arg.slice(0, arg.indexOf('=')) : arg;
      continue;
    }
    names++;
    if (names >= path.length && !atGroup) return undefined;
  }
  return undefined;
}

export interface MainOptions {
  env?: Record<string, string | undefined>;
}

function printError(
  out: Output,
  error: unknown,
  flags: GlobalFlags | undefined,
  helpPath?: string,
) {
  const report = reportError(error);
  const s = out.errStyle;
  let line = `${s.red('error:')} ${report.message}`;
  if (report.requestId && !report.message.includes(report.requestId))
    line += ` ${s.dim(`(request id: ${report.requestId})`)}`;
  out.error(line);
  if (report.hint) out.error(`${s.dim('hint:')} ${report.hint}`);
  if (report.exitCode === ExitCode.usage && helpPath) {
    out.error(`${s.dim('hint:')} run \`${helpPath} --help\` for usage`);
  }
  if (flags?.debug && error instanceof Error && error.stack) {
    out.error(s.dim(error.stack));
    let cause = (error as { cause?: unknown }).cause;
    while (cause instanceof Error) {
      out.error(s.dim(`caused by: ${cause.stack ?? cause.message}`));
      cause = (cause as { cause?: unknown }).cause;
    }
  }
  return report.exitCode;
}

export async function main(argv: readonly string[], options: MainOptions = {}): Promise<number> {
  const env = options.env ?? process.env;
  let flags: GlobalFlags;
  let rest: string[];
  try {
    ({ flags, rest } = extractGlobalFlags(argv));
  } catch (error) {
    const out = new Output({ json: false, color: undefined, env });
    return printError(out, error, undefined, 'iamkit');
  }
  const out = new Output({ json: flags.json, color: flags.color, env });

  // `iamkit help groups get` is `iamkit groups get --help`.
  if (rest[0] === 'help') {
    rest = rest.slice(1);
    flags.help = true;
  }

  if (flags.version && !flags.help) {
    out.print(flags.json ? JSON.stringify({ version: cliVersion() }) : `iamkit ${cliVersion()}`);
    return ExitCode.ok;
  }

  let located = await locate(root, rest);
  // `iamkit groups help` (and `help` after any group) is that group's help, as at the root.
  if (located.unknown === 'help' && located.cmd.subCommands) {
    const at = rest.indexOf('help');
    rest = [...rest.slice(0, at), ...rest.slice(at + 1)];
    flags.help = true;
    located = await locate(root, rest);
  }
  const helpPath = ['iamkit', ...located.path].join(' ');
  if (located.unknown !== undefined && located.cmd.subCommands) {
    const names = (await childrenOf(located.cmd)).map((child) => child.name);
    const guess = closest(located.unknown, names);
    return printError(
      out,
      new UsageError(
        `unknown command "${located.unknown}" for "${helpPath}"`,
        guess ? `did you mean \`${helpPath} ${guess}\`?` : undefined,
      ),
      flags,
      helpPath,
    );
  }
  // A group (`iamkit`, `iamkit groups`) has no flags of its own, and citty would drop a flag
  // placed before a subcommand name: any flag left before or at a group is unknown.
  const strayFlag = flagBeforeCommand(rest, located.path, located.cmd.run === undefined);
  if (strayFlag !== undefined && !flags.help) {
    return printError(out, new UsageError(`unknown flag ${strayFlag}`), flags, helpPath);
  }
  const wantsHelp =
    flags.help ||
    (located.cmd.subCommands !== undefined &&
      !located.cmd.run &&
      rest.every((arg) => arg.startsWith('-') || located.path.includes(arg)));
  if (wantsHelp) {
    out.print(await renderHelp(located.cmd, located.path, out.style));
    return ExitCode.ok;
  }

  const controller = new AbortController();
  const onSigint = () => controller.abort(new Error('interrupted'));
  process.once('SIGINT', onSigint);
  try {
    // Loaded here, not at the top, so help pages stay cheap.
    const [{ runCommand }, { startSession }] = await Promise.all([
      import('citty'),
      import('./context.js'),
    ]);
    startSession({ flags, env, version: cliVersion(), signal: controller.signal });
    await runCommand(root, { rawArgs: rest });
    return ExitCode.ok;
  } catch (error) {
    if (controller.signal.aborted) {
      out.error('interrupted');
      return ExitCode.interrupted;
    }
    if (error instanceof AnswerExit) return error.exitCode;
    return printError(out, error, flags, helpPath);
  } finally {
    process.off('SIGINT', onSigint);
  }
}
