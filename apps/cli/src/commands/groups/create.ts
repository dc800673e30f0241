import { TILEDB_ASSET_USAGE, takeTileDBAsset, tiledbAssetArgs } from '../../args.js';
import { defineIamkitCommand } from '../../command.js';
import { callOptions, credentialsNameArg, groupsClient, parseTags } from './shared.js';

export default defineIamkitCommand({
  name: 'create',
  description: 'Create an empty group and print its id and tiledb:// URI',
  examples: [
    'iamkit groups create acme genomics',
    'iamkit groups create tiledb://acme/genomics --description "All genomics arrays" --tags bio,public-data',
    'iamkit groups create acme reports --uri s3://acme-bucket/reports --credentials-name acme-s3 --json',
  ],
  usage: `${TILEDB_ASSET_USAGE} [flags]`,
  args: {
    ...tiledbAssetArgs,
    description: { type: 'string', description: 'Human-readable description' },
    uri: {
      type: 'string',
      description: 'Storage URI for the group (default: chosen by the server)',
    },
    tags: { type: 'string', description: 'Comma-separated tags, each lowercase letters and "-"' },
    'license-id': { type: 'string', description: 'SPDX license identifier, e.g. MIT' },
    'license-text': { type: 'string', description: 'License text' },
    ...credentialsNameArg,
  },
  async run({ args, positionals, ctx }) {
    const { namespace, name } = takeTileDBAsset(positionals);
    const tags = parseTags(args.tags);
    const client = await groupsClient(ctx);
    const created = await client.createGroup(namespace, name, {
      ...callOptions(ctx, args['credentials-name']),
      ...(args.description !== undefined && { description: args.description }),
      ...(args.uri !== undefined && { uri: args.uri }),
      ...(tags !== undefined && { tags }),
      ...(args['license-id'] !== undefined && { license_id: args['license-id'] }),
      ...(args['license-text'] !== undefined && { license_text: args['license-text'] }),
    });
    ctx.out.record(
      [
        ['id', created.id],
        ['name', created.name],
        ['tiledb_uri', created.tiledb_uri],
      ],
      { json: created },
    );
  },
});
