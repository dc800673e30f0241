import { TILEDB_ASSET_USAGE, takeTileDBAsset, tiledbAssetArgs } from '../../args.js';
import { defineIamkitCommand } from '../../command.js';
import { callOptions, credentialsNameArg, groupsClient, tiledbUri } from './shared.js';

export default defineIamkitCommand({
  name: 'deregister',
  description: 'Deregister a group (its storage is left alone)',
  examples: [
    'iamkit groups deregister acme genomics',
    'iamkit groups deregister tiledb://acme/projects --recursive',
  ],
  usage: `${TILEDB_ASSET_USAGE} [--recursive]`,
  args: {
    ...tiledbAssetArgs,
    recursive: { type: 'boolean', description: 'Also deregister every subgroup and array inside' },
    ...credentialsNameArg,
  },
  async run({ args, positionals, ctx }) {
    const { namespace, name } = takeTileDBAsset(positionals);
    const recursive = args.recursive === true;
    const client = await groupsClient(ctx);
    await client.deregisterGroup(namespace, name, {
      ...callOptions(ctx, args['credentials-name']),
      recursive,
    });
    const uri = tiledbUri(namespace, name);
    if (ctx.flags.json) ctx.out.json({ tiledb_uri: uri, deregistered: true, recursive });
    else
      ctx.out.success(`Deregistered group ${uri}${recursive ? ' and everything inside it' : ''}`);
  },
});
