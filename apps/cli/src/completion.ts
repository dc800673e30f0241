/**
 * Shell completion scripts for bash, zsh and fish, generated from the command tree (so
 * every domain's commands and flags are included without listing them anywhere).
 */
import type { IamkitCommandDef } from './command.js';
import { GLOBAL_FLAGS } from './globals.js';
import { argsOf, childrenOf } from './tree.js';

interface FlagInfo {
  flag: string;
  description: string;
}
interface NodeInfo {
  path: string;
  children: Array<{ name: string; description: string }>;
  flags: FlagInfo[];
}

export async function collectTree(root: IamkitCommandDef): Promise<NodeInfo[]> {
  const nodes: NodeInfo[] = [];
  const globals = GLOBAL_FLAGS.map((f) => ({ flag: f.flag, description: f.description }));
  const visit = async (cmd: IamkitCommandDef, path: string[]) => {
    const children = await childrenOf(cmd);
    const flags: FlagInfo[] = [];
    for (const [name, def] of await argsOf(cmd)) {
      if (def.type === 'positional') continue;
      flags.push({ flag: `--${name}`, description: def.description ?? '' });
    }
    nodes.push({
      path: path.join(' '),
      children: children.map((c) => ({ name: c.name, description: c.meta.description ?? '' })),
      flags: [...flags, ...globals],
    });
    for (const child of children) await visit(child.cmd, [...path, child.name]);
  };
  await visit(root, []);
  return nodes;
}

/** Single-quoted for sh-like shells. */
const sq = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

export function bashScript(nodes: readonly NodeInfo[]): string {
  const children = nodes
    .map((n) => `    ${sq(n.path)}) echo ${sq(n.children.map((c) => c.name).join(' '))} ;;`)
    .join('\n');
  const flags = nodes
    .map((n) => `    ${sq(n.path)}) echo ${sq(n.flags.map((f) => f.flag).join(' '))} ;;`)
    .join('\n');
  return `# bash completion for iamkit. Install: iamkit completion bash > ~/.local/share/bash-completion/completions/iamkit
_iamkit_children() {
  case "$1" in
${children}
  esac
}
_iamkit_flags() {
  case "$1" in
${flags}
  esac
}
_iamkit() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" path="" word i next
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="\${COMP_WORDS[i]}"
    case "$word" in -*) continue ;; esac
    for next in $(_iamkit_children "$path"); do
      if [[ "$next" == "$word" ]]; then
        path="\${path:+$path }$word"
        break
      fi
    done
  done
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$(_iamkit_flags "$path")" -- "$cur"))
  else
    COMPREPLY=($(compgen -W "$(_iamkit_children "$path")" -- "$cur"))
  fi
}
complete -o default -F _iamkit iamkit
`;
}

export function zshScript(nodes: readonly NodeInfo[]): string {
  const zq = (text: string) => sq(text.replace(/:/g, '\\:'));
  const cases = (pick: (n: NodeInfo) => string[]) =>
    nodes.map((n) => `    ${sq(n.path)}) reply=(${pick(n).join(' ')}) ;;`).join('\n');
  return `#compdef iamkit
# zsh completion for iamkit. Install: iamkit completion zsh > "\${fpath[1]}/_iamkit"
_iamkit_children() {
  case "$1" in
${cases((n) => n.children.map((c) => zq(`${c.name}:${c.description}`)))}
    *) reply=() ;;
  esac
}
_iamkit_flags() {
  case "$1" in
${cases((n) => n.flags.map((f) => zq(`${f.flag}:${f.description}`)))}
    *) reply=() ;;
  esac
}
_iamkit() {
  local path_="" word i
  local -a reply names
  for ((i = 2; i < CURRENT; i++)); do
    word="\${words[i]}"
    [[ "$word" == -* ]] && continue
    _iamkit_children "$path_"
    names=("\${reply[@]%%:*}")
    if (( \${names[(Ie)$word]} )); then
      path_="\${path_:+$path_ }$word"
    fi
  done
  if [[ "\${words[CURRENT]}" == -* ]]; then
    _iamkit_flags "$path_"
    _describe -t flags 'flag' reply
  else
    _iamkit_children "$path_"
    (( \${#reply} )) && _describe -t commands 'command' reply || _files
  fi
}
if [[ "\${funcstack[1]}" == "_iamkit" ]]; then
  _iamkit "$@"
else
  compdef _iamkit iamkit
fi
`;
}

export function fishScript(nodes: readonly NodeInfo[]): string {
  const fq = (text: string) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  const lines: string[] = [
    '# fish completion for iamkit. Install: iamkit completion fish > ~/.config/fish/completions/iamkit.fish',
    'function __iamkit_children',
    '    switch "$argv[1]"',
  ];
  for (const n of nodes) {
    lines.push(`        case ${fq(n.path)}`);
    for (const c of n.children) lines.push(`            echo ${fq(c.name)}`);
  }
  lines.push(
    '    end',
    'end',
    'function __iamkit_path',
    '    set -l tokens (commandline -opc)',
    '    set -e tokens[1]',
    '    set -l path',
    '    for t in $tokens',
    "        if string match -q -- '-*' $t",
    '            continue',
    '        end',
    '        if contains -- $t (__iamkit_children "$path")',
    '            set path (string join " " -- $path $t)',
    '        end',
    '    end',
    '    echo "$path"',
    'end',
    'function __iamkit_at',
    '    set -l p (__iamkit_path)',
    '    test "$p" = "$argv[1]"',
    'end',
    'complete -c iamkit -f',
  );
  for (const n of nodes) {
    const cond = fq(`__iamkit_at ${fq(n.path)}`);
    for (const c of n.children) {
      lines.push(`complete -c iamkit -n ${cond} -a ${fq(c.name)} -d ${fq(c.description)}`);
    }
    for (const f of n.flags) {
      lines.push(`complete -c iamkit -n ${cond} -l ${fq(f.flag.slice(2))} -d ${fq(f.description)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
