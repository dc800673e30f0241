import { defineIamkitCommand } from '../../../command.js';
import { authressGroupsClient, printGroup } from './shared.js';

export default defineIamkitCommand({
  name: 'get',
  description: 'Show a group: name, users, admins, tags and when it last changed',
  examples: ['iamkit authress groups get grp_123', 'iamkit authress groups get grp_123 --json'],
  args: {
    groupId: { type: 'positional', description: 'The group id (grp_...)', required: true },
  },
  async run({ args, ctx }) {
    const client = await authressGroupsClient(ctx);
    printGroup(ctx, await client.getGroup(args.groupId, { signal: ctx.signal }));
  },
});
