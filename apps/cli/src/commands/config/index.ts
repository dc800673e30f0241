import { defineIamkitGroup } from '../../command.js';

export default defineIamkitGroup({
  name: 'config',
  description: 'Show and change settings and profiles',
  examples: ['iamkit config list', 'iamkit config set tiledb.host https://api.tiledb.com'],
  subCommands: {
    list: () => import('./list.js').then((m) => m.default),
    get: () => import('./get.js').then((m) => m.default),
    set: () => import('./set.js').then((m) => m.default),
    unset: () => import('./unset.js').then((m) => m.default),
    profiles: () => import('./profiles.js').then((m) => m.default),
  },
});
