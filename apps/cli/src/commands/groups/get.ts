import type { GroupMember } from '@iamkit/groups';
import { TILEDB_ASSET_USAGE, takeTileDBAsset, tiledbAssetArgs } from '../../args.js';
import { defineIamkitCommand } from '../../command.js';
import type { Column } from '../../output.js';
import { callOptions, credentialsNameArg, groupsClient, jsonSafeValue } from './shared.js';

const MEMBER_COLUMNS: Column<GroupMember>[] = [
  { header: 'NAME', value: (member) => member.name },
  { header: 'TYPE', value: (member) => member.type },
  { header: 'URI', value: (member) => member.uri },
];

export default defineIamkitCommand({
  name: 'get',
  description: 'Show a group: its members, then its metadata',
  examples: [
    'iamkit groups get acme genomics',
    'iamkit groups get tiledb://acme/genomics --json',
    'iamkit groups get acme genomics --members',
  ],
  usage: `${TILEDB_ASSET_USAGE} [flags]`,
  args: {
    ...tiledbAssetArgs,
    members: { type: 'boolean', description: 'Print only the members (one per line when piped)' },
    ...credentialsNameArg,
  },
  async run({ args, positionals, ctx }) {
    const { namespace, name } = takeTileDBAsset(positionals);
    const client = await groupsClient(ctx);
    const group = await client.retrieveGroup(
      namespace,
      name,
      callOptions(ctx, args['credentials-name']),
    );
    if (ctx.flags.json) {
      // The API's own GroupContentsRetrievalResponse, metadata entries as sent.
      const raw = ctx.lastResponseBody() as { members?: unknown } | undefined;
      ctx.out.json(args.members ? (raw?.members ?? []) : raw);
      return;
    }
    ctx.out.table(group.members, MEMBER_COLUMNS);
    if (args.members) return;
    const entries = Object.entries(group.metadata);
    if (entries.length === 0) return;
    ctx.out.print('');
    ctx.out.record(entries.map(([key, value]) => [key, jsonSafeValue(value)] as const));
  },
});
