import { defineIamkitGroup } from '../../../command.js';

export default defineIamkitGroup({
  name: 'metadata',
  description: "Read or change a group's metadata",
  examples: [
    'iamkit groups metadata get acme genomics',
    'iamkit groups metadata set tiledb://acme/genomics owner=lab-7 version=3 --delete draft',
  ],
  subCommands: {
    get: () => import('./get.js').then((m) => m.default),
    set: () => import('./set.js').then((m) => m.default),
  },
});
