/** Walking the (lazy) command tree: for help, completions and the help-on-error hint. */
import type { ArgDef, ArgsDef, CommandDef, CommandMeta } from 'citty';
import type { IamkitCommandDef, IamkitMeta } from './command.js';

type AnyCommand = CommandDef<ArgsDef> & { iamkit?: IamkitMeta };

async function resolve<T>(value: unknown): Promise<T> {
  return (typeof value === 'function' ? await (value as () => unknown)() : await value) as T;
}

export async function metaOf(cmd: AnyCommand): Promise<CommandMeta> {
  return (await resolve<CommandMeta | undefined>(cmd.meta)) ?? {};
}

export async function argsOf(cmd: AnyCommand): Promise<Array<[string, ArgDef]>> {
  return Object.entries((await resolve<ArgsDef | undefined>(cmd.args)) ?? {});
}

/** The visible subcommands, loaded (each module is imported). */
export async function childrenOf(
  cmd: AnyCommand,
  options: { includeHidden?: boolean } = {},
): Promise<Array<{ name: string; cmd: IamkitCommandDef; meta: CommandMeta }>> {
  const subs = await resolve<Record<string, unknown> | undefined>(cmd.subCommands);
  if (!subs) return [];
  const out: Array<{ name: string; cmd: IamkitCommandDef; meta: CommandMeta }> = [];
  for (const [name, value] of Object.entries(subs)) {
    const child = await resolve<IamkitCommandDef>(value);
    const meta = await metaOf(child);
    if (meta.hidden && !options.includeHidden) continue;
    out.push({ name, cmd: child, meta });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

async function findChild(cmd: AnyCommand, name: string): Promise<IamkitCommandDef | undefined> {
  const subs = await resolve<Record<string, unknown> | undefined>(cmd.subCommands);
  if (!subs) return undefined;
  if (name in subs) return resolve<IamkitCommandDef>(subs[name]);
  for (const value of Object.values(subs)) {
    const child = await resolve<IamkitCommandDef>(value);
    const alias = (await metaOf(child)).alias;
    if (alias && [alias].flat().includes(name)) return child;
  }
  return undefined;
}

/**
 * Follows leading command names in `args` (flags are skipped) as deep as they go. Loads
 * only the modules on that path.
 */
export async function locate(
  root: IamkitCommandDef,
  args: readonly string[],
): Promise<{ cmd: IamkitCommandDef; path: string[]; unknown?: string }> {
  let cmd = root;
  const path: string[] = [];
  for (const arg of args) {
    if (arg === '--') break;
    if (arg.startsWith('-')) continue;
    if (!cmd.subCommands) break;
    const child = await findChild(cmd, arg);
    if (!child) return { cmd, path, unknown: arg };
    cmd = child;
    path.push(arg);
  }
  return { cmd, path };
}
