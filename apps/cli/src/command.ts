/**
 * `defineIamkitCommand` / `defineIamkitGroup`: citty commands plus what iamkit adds —
 * an example per command (help and completions), strict flag checking (an unknown flag
 * or a stray argument is a usage error, exit 2), and the `ctx` argument.
 * Keep command modules light at the top: import clients inside `run` (see COMMANDS.md).
 */
import type { ArgDef, ArgsDef, CommandDef, ParsedArgs, Resolvable } from 'citty';
import type { Context } from './context.js';
import { UsageError } from './errors.js';

export interface IamkitMeta {
  /** Full examples, e.g. `iamkit groups get acme/reports` — at least one. */
  examples: readonly [string, ...string[]];
  /**
   * Extra positionals accepted after the declared ones, shown as `[NAME...]` in help, or as
   * `[NAME]` when `single` (the command itself refuses a second one).
   */
  rest?: { name: string; description: string; single?: boolean };
  /** Usage line override, e.g. `<namespace> <name> | <tiledb://namespace/name>`. */
  usage?: string;
}

export type IamkitCommandDef = CommandDef<ArgsDef> & { iamkit?: IamkitMeta };

export interface RunInput<T extends ArgsDef> {
  args: ParsedArgs<T>;
  /** Every positional in order (citty's `args._`), after global flags were taken out. */
  positionals: string[];
  ctx: Context;
}

export interface IamkitCommandSpec<T extends ArgsDef> extends IamkitMeta {
  name: string;
  /** One line, no trailing period: shown in the parent's command list. */
  description: string;
  aliases?: string[];
  hidden?: boolean;
  args?: T;
  run(input: RunInput<T>): Promise<void> | void;
}

const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const camel = (name: string) => name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** Rejects flags the command does not declare and positionals it cannot take. */
export function checkArgs(rawArgs: readonly string[], args: ArgsDef, meta: IamkitMeta): void {
  // Every spelling citty accepts (name, kebab-case, camelCase, --no-x, aliases) -> its def.
  const known = new Map<string, ArgDef>();
  let positionalCount = 0;
  for (const [name, def] of Object.entries(args)) {
    if (def.type === 'positional') {
      positionalCount++;
      continue;
    }
    for (const n of [name, kebab(name), camel(name)]) {
      known.set(`--${n}`, def);
      if (def.type === 'boolean') known.set(`--no-${n}`, def);
    }
    const aliases = 'alias' in def && def.alias ? [def.alias].flat() : [];
    for (const alias of aliases) known.set(alias.length === 1 ? `-${alias}` : `--${alias}`, def);
  }
  const positionals: string[] = [];
  for (let i = 0; i < rawArgs.length; i++) {
    const arg = rawArgs[i]!;
    if (arg === '--') {
      positionals.push(...rawArgs.slice(i + 1));
      break;
    }
    if (arg.startsWith('-') && arg !== '-') {
      const name = arg.includes('=') ? arg.slice(0, arg.indexOf('=')) : arg;
      const def = known.get(name);
      if (!def) throw new UsageError(`unknown flag ${name}`);
      if (def.type === 'boolean' && name !== arg) {
        throw new UsageError(`flag ${name} takes no value: give ${name} alone, or leave it out`);
      }
      const takesValue = (def.type === 'string' || def.type === 'enum') && !arg.includes('=');
      if (takesValue) {
        if (rawArgs[i + 1] === undefined) throw new UsageError(`flag ${name} needs a value`);
        i++;
      }
      continue;
    }
    positionals.push(arg);
  }
  if (!meta.rest && positionals.length > positionalCount) {
    throw new UsageError(`unexpected argument "${positionals[positionalCount]}"`);
  }
}

export function defineIamkitCommand<const T extends ArgsDef = ArgsDef>(
  spec: IamkitCommandSpec<T>,
): IamkitCommandDef {
  const args = (spec.args ?? {}) as T;
  const iamkit: IamkitMeta = {
    examples: spec.examples,
    ...(spec.rest && { rest: spec.rest }),
    ...(spec.usage && { usage: spec.usage }),
  };
  const def: CommandDef<T> & { iamkit: IamkitMeta } = {
    meta: {
      name: spec.name,
      description: spec.description,
      ...(spec.aliases && { alias: spec.aliases }),
      ...(spec.hidden && { hidden: true }),
    },
    args,
    iamkit,
    run: async (context) => {
      checkArgs(context.rawArgs, args, iamkit);
      await spec.run({
        args: context.args,
        positionals: [...context.args._],
        ctx: (await import('./context.js')).currentContext(),
      });
    },
  };
  return def as unknown as IamkitCommandDef;
}

export interface IamkitGroupSpec {
  name: string;
  description: string;
  examples: readonly [string, ...string[]];
  aliases?: string[];
  hidden?: boolean;
  /** Lazily loaded: `{ get: () => import('./get.js').then((m) => m.default) }`. */
  subCommands: Record<string, Resolvable<IamkitCommandDef>>;
}

/** A command that only holds subcommands (`iamkit groups`, `iamkit config`). */
export function defineIamkitGroup(spec: IamkitGroupSpec): IamkitCommandDef {
  return {
    meta: {
      name: spec.name,
      description: spec.description,
      ...(spec.aliases && { alias: spec.aliases }),
      ...(spec.hidden && { hidden: true }),
    },
    subCommands: spec.subCommands as Record<string, Resolvable<CommandDef<ArgsDef>>>,
    iamkit: { examples: spec.examples },
  };
}
