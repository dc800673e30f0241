import { TILEDB_ASSET_USAGE, takeTileDBAsset, tiledbAssetArgs } from '../../../args.js';
import { defineIamkitCommand } from '../../../command.js';
import { UsageError } from '../../../errors.js';
import { callOptions, credentialsNameArg, groupsClient, tiledbUri } from '../shared.js';

const TYPES = ['ARRAY', 'GROUP'] as const;

export default defineIamkitCommand({
  name: 'add',
  description: 'Add arrays or groups to a group, in one request',
  examples: [
    'iamkit groups members add acme genomics tiledb://acme/samples s3://acme-bucket/variants',
    'iamkit groups members add tiledb://acme/projects tiledb://acme/alpha --type GROUP',
    'iamkit groups members add acme genomics s3://acme-bucket/v2 --member-name variants',
  ],
  usage: `${TILEDB_ASSET_USAGE} <member-uri>... [--type ARRAY|GROUP] [--member-name NAME]`,
  rest: { name: 'member-uri', description: 'tiledb:// or storage URI of each member to add' },
  args: {
    ...tiledbAssetArgs,
    type: { type: 'string', description: 'What the members are: ARRAY (default) or GROUP' },
    'member-name': {
      type: 'string',
      description: 'Name to show for the member (only with a single member URI)',
    },
    ...credentialsNameArg,
  },
  async run({ args, positionals, ctx }) {
    const { namespace, name, rest: uris } = takeTileDBAsset(positionals, { rest: true });
    if (uris.length === 0) throw new UsageError('give at least one member URI to add');
    const type = (args.type ?? 'ARRAY').toUpperCase();
    if (!TYPES.includes(type as (typeof TYPES)[number])) {
      throw new UsageError(`--type must be ARRAY or GROUP, got "${args.type}"`);
    }
    const memberName = args['member-name'];
    if (memberName !== undefined && uris.length > 1) {
      throw new UsageError('--member-name names one member; add several members without it');
    }
    const members = uris.map((uri) => ({
      uri,
      type: type as (typeof TYPES)[number],
      ...(memberName !== undefined && { name: memberName }),
    }));
    const client = await groupsClient(ctx);
    await client.addMembers(namespace, name, members, callOptions(ctx, args['credentials-name']));
    const group = tiledbUri(namespace, name);
    if (ctx.flags.json) ctx.out.json({ tiledb_uri: group, added: members });
    else
      ctx.out.success(
        `Added ${members.length} member${members.length === 1 ? '' : 's'} to ${group}`,
      );
  },
});
