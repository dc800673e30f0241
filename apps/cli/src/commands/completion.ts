import { defineIamkitCommand } from '../command.js';
import { UsageError } from '../errors.js';

const SHELLS = ['bash', 'zsh', 'fish'] as const;

export default defineIamkitCommand({
  name: 'completion',
  description: 'Print a shell completion script for bash, zsh or fish',
  examples: [
    'iamkit completion bash > ~/.local/share/bash-completion/completions/iamkit',
    'iamkit completion zsh > ~/.zfunc/_iamkit',
    'iamkit completion fish > ~/.config/fish/completions/iamkit.fish',
  ],
  args: {
    shell: { type: 'positional', description: 'bash, zsh or fish', required: true },
  },
  async run({ args, ctx }) {
    const shell = args.shell;
    if (!(SHELLS as readonly string[]).includes(shell)) {
      throw new UsageError(`unsupported shell "${shell}"; choose one of ${SHELLS.join(', ')}`);
    }
    const { root } = await import('../root.js');
    const { collectTree, bashScript, zshScript, fishScript } = await import('../completion.js');
    const nodes = await collectTree(root);
    const script =
      shell === 'bash' ? bashScript(nodes) : shell === 'zsh' ? zshScript(nodes) : fishScript(nodes);
    ctx.out.print(script);
  },
});
