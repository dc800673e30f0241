import { defineIamkitGroup } from '../../../command.js';

export default defineIamkitGroup({
  name: 'groups',
  description: 'Authress groups: create, show, list, update and delete groups of users',
  examples: [
    'iamkit authress groups create --name Editors --users "oauth2|alice" --admins "oauth2|bob"',
    'iamkit authress groups list --filter edit --all',
    'iamkit authress groups update grp_123 --add-users "oauth2|carol"',
  ],
  subCommands: {
    create: () => import('./create.js').then((m) => m.default),
    get: () => import('./get.js').then((m) => m.default),
    list: () => import('./list.js').then((m) => m.default),
    update: () => import('./update.js').then((m) => m.default),
    delete: () => import('./delete.js').then((m) => m.default),
  },
});
