import { defineIamkitCommand } from '../../../command.js';
import { authressGroupsClient, GROUP_COLUMNS, parseLimit } from './shared.js';

export default defineIamkitCommand({
  name: 'list',
  aliases: ['ls'],
  description: 'List groups one page at a time, or every page with --all',
  examples: [
    'iamkit authress groups list',
    'iamkit authress groups list --filter edit --limit 5',
    'iamkit authress groups list --all --json',
    'iamkit authress groups list --cursor eyJhZnRlciI6MjB9',
  ],
  args: {
    filter: { type: 'string', description: 'Case-insensitive text search through the groups' },
    limit: { type: 'string', description: 'Groups per page, 1-20 (default 20)' },
    cursor: { type: 'string', description: 'Continue from pagination.next.cursor of a page' },
    all: { type: 'boolean', description: 'Follow every page, printing groups as they arrive' },
  },
  async run({ args, ctx }) {
    const limit = parseLimit(args.limit);
    const params = {
      ...(args.filter !== undefined && { filter: args.filter }),
      ...(limit !== undefined && { limit }),
      ...(args.cursor !== undefined && { cursor: args.cursor }),
    };
    const client = await authressGroupsClient(ctx);
    if (args.all) {
      const pages = client.listAllGroups(params, { signal: ctx.signal }).pages();
      await ctx.out.stream(pages, GROUP_COLUMNS, { label: 'groups' });
      return;
    }
    const page = await client.getGroups(params, { signal: ctx.signal });
    ctx.out.table(page.groups, GROUP_COLUMNS, { json: page });
    const next = page.pagination?.next?.cursor;
    if (next) ctx.out.info(`More groups: add --cursor ${next} (or use --all)`);
    else if (page.groups.length === 0) ctx.out.info('No groups.');
  },
});
