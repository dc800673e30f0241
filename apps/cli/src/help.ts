/**
 * Help pages: description, usage, arguments, flags, subcommands, examples and the global
 * flags. Rendered from the command tree, loading only the modules it shows.
 */
import type { IamkitCommandDef } from './command.js';
import { GLOBAL_FLAGS } from './globals.js';
import type { Style } from './output.js';
import { argsOf, childrenOf, metaOf } from './tree.js';

function columns(rows: Array<[string, string]>, indent = '  '): string[] {
  const width = Math.max(0, ...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `${indent}${left.padEnd(width)}  ${right}`.trimEnd());
}

export const EXIT_CODES: ReadonlyArray<[string, string]> = [
  ['0', 'success'],
  ['1', 'error (the API refused the request, bad config, ...)'],
  ['2', 'usage error (unknown command or flag, missing or invalid argument)'],
  ['3', 'not found'],
  ['4', 'authentication or permission problem (not logged in, 401, 403)'],
  ['5', 'server or network failure (5xx, 429, timeout, connection refused)'],
];

export async function renderHelp(
  cmd: IamkitCommandDef,
  path: readonly string[],
  style: Style,
): Promise<string> {
  const meta = await metaOf(cmd);
  const args = await argsOf(cmd);
  const children = await childrenOf(cmd);
  const commandName = ['iamkit', ...path].join(' ');
  const lines: string[] = [];
  const heading = (text: string) => {
    lines.push('', style.bold(text));
  };

  lines.push(meta.description ?? '');

  const positional = args.filter(([, def]) => def.type === 'positional');
  const flags = args.filter(([, def]) => def.type !== 'positional');
  let usage = commandName;
  if (children.length > 0) usage += ' <command>';
  else if (cmd.iamkit?.usage) usage += ` ${cmd.iamkit.usage}`;
  else {
    for (const [name, def] of positional) {
      usage += def.required === false ? ` [${name}]` : ` <${name}>`;
    }
  }
  const rest = cmd.iamkit?.rest;
  const restName = rest && (rest.single ? rest.name : `${rest.name}...`);
  if (restName && !cmd.iamkit?.usage) usage += ` [${restName}]`;
  if ((flags.length > 0 || children.length === 0) && !usage.includes('[flags]'))
    usage += ' [flags]';
  heading('USAGE');
  lines.push(`  ${usage}`);

  if (meta.alias) {
    heading('ALIASES');
    lines.push(`  ${[meta.alias].flat().join(', ')}`);
  }

  if (children.length > 0) {
    heading('COMMANDS');
    lines.push(...columns(children.map((c) => [c.name, c.meta.description ?? ''])));
  }

  if (positional.length > 0 || rest) {
    heading('ARGUMENTS');
    const rows: Array<[string, string]> = positional.map(([name, def]) => [
      name,
      def.description ?? '',
    ]);
    if (rest && restName) rows.push([restName, rest.description]);
    lines.push(...columns(rows));
  }

  if (flags.length > 0) {
    heading('FLAGS');
    lines.push(
      ...columns(
        flags.map(([name, def]) => {
          const aliases = 'alias' in def && def.alias ? [def.alias].flat() : [];
          const short = aliases.filter((a) => a.length === 1).map((a) => `-${a}, `);
          const hint =
            def.type === 'enum' && 'options' in def && def.options
              ? ` <${def.options.join('|')}>`
              : def.type === 'string'
                ? ` <${def.valueHint ?? name}>`
                : '';
          let description = def.description ?? '';
          if (def.required) description += ' (required)';
          if (def.default !== undefined && def.default !== false)
            description += ` (default ${def.default})`;
          return [`${short.join('')}--${name}${hint}`, description];
        }),
      ),
    );
  }

  if (cmd.iamkit?.examples.length) {
    heading('EXAMPLES');
    for (const example of cmd.iamkit.examples) lines.push(`  $ ${example}`);
  }

  heading('GLOBAL FLAGS');
  lines.push(
    ...columns(
      GLOBAL_FLAGS.map((f) => [`${f.flag}${f.value ? ` <${f.value}>` : ''}`, f.description]),
    ),
  );

  if (path.length === 0) {
    heading('EXIT CODES');
    lines.push(...columns(EXIT_CODES.map(([code, text]) => [code, text])));
  }

  if (children.length > 0) {
    heading('LEARN MORE');
    lines.push(`  Use \`${commandName} <command> --help\` for more about a command.`);
  }
  return `${lines.join('\n')}\n`;
}
