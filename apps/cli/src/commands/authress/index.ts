import { defineIamkitGroup } from '../../command.js';

export default defineIamkitGroup({
  name: 'authress',
  description: 'Authress: groups of users (needs an Authress URL and a service-client access key)',
  examples: [
    'iamkit authress groups list --all',
    'iamkit authress groups create --name Editors --users "oauth2|alice,oauth2|bob"',
  ],
  subCommands: {
    groups: () => import('./groups/index.js').then((m) => m.default),
  },
});
