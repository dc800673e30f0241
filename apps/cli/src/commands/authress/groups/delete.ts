import { defineIamkitCommand } from '../../../command.js';
import { authressGroupsClient } from './shared.js';

export default defineIamkitCommand({
  name: 'delete',
  description: 'Delete a group; its users lose the roles they had only through it',
  examples: ['iamkit authress groups delete grp_123'],
  args: {
    groupId: { type: 'positional', description: 'The group id (grp_...)', required: true },
  },
  async run({ args, ctx }) {
    const client = await authressGroupsClient(ctx);
    await client.deleteGroup(args.groupId, { signal: ctx.signal });
    if (ctx.flags.json) ctx.out.json({ groupId: args.groupId, deleted: true });
    else ctx.out.success(`Deleted group ${args.groupId}`);
  },
});
