import { defineIamkitGroup } from '../../../command.js';

export default defineIamkitGroup({
  name: 'members',
  description: 'Add members to a group or remove them',
  examples: [
    'iamkit groups members add acme genomics tiledb://acme/samples s3://acme-bucket/variants',
    'iamkit groups members remove tiledb://acme/genomics variants',
  ],
  subCommands: {
    add: () => import('./add.js').then((m) => m.default),
    remove: () => import('./remove.js').then((m) => m.default),
  },
});
