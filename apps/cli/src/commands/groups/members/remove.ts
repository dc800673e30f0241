import { TILEDB_ASSET_USAGE, takeTileDBAsset, tiledbAssetArgs } from '../../../args.js';
import { defineIamkitCommand } from '../../../command.js';
import { UsageError } from '../../../errors.js';
import { callOptions, credentialsNameArg, groupsClient, tiledbUri } from '../shared.js';

export default defineIamkitCommand({
  name: 'remove',
  description: 'Remove members from a group, by URI or by name, in one request',
  examples: [
    'iamkit groups members remove acme genomics tiledb://acme/samples',
    'iamkit groups members remove tiledb://acme/genomics variants s3://acme-bucket/old',
  ],
  usage: `${TILEDB_ASSET_USAGE} <member-uri-or-name>...`,
  rest: { name: 'member', description: 'URI (tiledb:// or storage) or name of each member' },
  args: { ...tiledbAssetArgs, ...credentialsNameArg },
  async run({ args, positionals, ctx }) {
    const { namespace, name, rest: members } = takeTileDBAsset(positionals, { rest: true });
    if (members.length === 0)
      throw new UsageError('give at least one member URI or name to remove');
    const client = await groupsClient(ctx);
    await client.removeMembers(
      namespace,
      name,
      members,
      callOptions(ctx, args['credentials-name']),
    );
    const group = tiledbUri(namespace, name);
    if (ctx.flags.json) ctx.out.json({ tiledb_uri: group, removed: members });
    else
      ctx.out.success(
        `Removed ${members.length} member${members.length === 1 ? '' : 's'} from ${group}`,
      );
  },
});
