import { defineIamkitGroup } from '../../command.js';

export default defineIamkitGroup({
  name: 'groups',
  description: 'TileDB Cloud groups: create, register, inspect, change members and metadata',
  examples: [
    'iamkit groups create acme genomics --tags bio,public-data',
    'iamkit groups members add tiledb://acme/genomics tiledb://acme/samples',
    'iamkit groups metadata set acme genomics owner=lab-7 version=3',
  ],
  subCommands: {
    create: () => import('./create.js').then((m) => m.default),
    register: () => import('./register.js').then((m) => m.default),
    get: () => import('./get.js').then((m) => m.default),
    exists: () => import('./exists.js').then((m) => m.default),
    deregister: () => import('./deregister.js').then((m) => m.default),
    members: () => import('./members/index.js').then((m) => m.default),
    metadata: () => import('./metadata/index.js').then((m) => m.default),
  },
});
