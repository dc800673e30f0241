/** The command tree. Every entry is lazy: a module loads only when its command runs. */
import { defineIamkitGroup } from './command.js';
import { domainCommands } from './commands/domains.js';

export const root = defineIamkitGroup({
  name: 'iamkit',
  description: 'Work with TileDB Cloud and Authress identity and access APIs from the terminal',
  examples: [
    'iamkit login',
    'iamkit groups get tiledb://acme/reports',
    'iamkit authress groups list --all --json',
  ],
  subCommands: {
    ...domainCommands,
    login: () => import('./commands/login.js').then((m) => m.default),
    logout: () => import('./commands/logout.js').then((m) => m.default),
    whoami: () => import('./commands/whoami.js').then((m) => m.default),
    config: () => import('./commands/config/index.js').then((m) => m.default),
    completion: () => import('./commands/completion.js').then((m) => m.default),
  },
});
