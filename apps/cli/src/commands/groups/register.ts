import { TILEDB_ASSET_USAGE, takeTileDBAsset, tiledbAssetArgs } from '../../args.js';
import { defineIamkitCommand } from '../../command.js';
import { UsageError } from '../../errors.js';
import { callOptions, credentialsNameArg, groupsClient, parseTags, tiledbUri } from './shared.js';

export default defineIamkitCommand({
  name: 'register',
  description: 'Register a group whose storage already exists',
  examples: [
    'iamkit groups register acme genomics --uri s3://acme-bucket/genomics',
    'iamkit groups register tiledb://acme/alpha --uri s3://acme-bucket/alpha --parent projects --region us-east-1',
  ],
  usage: `${TILEDB_ASSET_USAGE} --uri <storage-uri> [flags]`,
  args: {
    ...tiledbAssetArgs,
    uri: { type: 'string', description: 'Storage URI of the existing group (required)' },
    parent: {
      type: 'string',
      description: 'Parent group in the same namespace: its name, UUID or tiledb:// URI',
    },
    description: { type: 'string', description: 'Human-readable description' },
    tags: { type: 'string', description: 'Comma-separated tags, each lowercase letters and "-"' },
    region: { type: 'string', description: 'Region of the storage, e.g. us-east-1' },
    'license-id': { type: 'string', description: 'SPDX license identifier, e.g. MIT' },
    'license-text': { type: 'string', description: 'License text' },
    ...credentialsNameArg,
  },
  async run({ args, positionals, ctx }) {
    const { namespace, name } = takeTileDBAsset(positionals);
    if (args.uri === undefined) {
      throw new UsageError('--uri is required: the storage URI of the existing group');
    }
    const tags = parseTags(args.tags);
    const client = await groupsClient(ctx);
    await client.registerGroup(namespace, name, {
      ...callOptions(ctx, args['credentials-name']),
      uri: args.uri,
      ...(args.parent !== undefined && { parent: args.parent }),
      ...(args.description !== undefined && { description: args.description }),
      ...(tags !== undefined && { tags }),
      ...(args.region !== undefined && { region: args.region }),
      ...(args['license-id'] !== undefined && { license_id: args['license-id'] }),
      ...(args['license-text'] !== undefined && { license_text: args['license-text'] }),
    });
    const uri = tiledbUri(namespace, name);
    if (ctx.flags.json) ctx.out.json({ tiledb_uri: uri, uri: args.uri, registered: true });
    else ctx.out.success(`Registered group ${uri} (storage ${args.uri})`);
  },
});
