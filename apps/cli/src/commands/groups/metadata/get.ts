import { TILEDB_ASSET_USAGE, takeTileDBAsset, tiledbAssetArgs } from '../../../args.js';
import { defineIamkitCommand } from '../../../command.js';
import { CommandError, ExitCode, UsageError } from '../../../errors.js';
import { callOptions, groupsClient, jsonSafeMetadata, tiledbUri } from '../shared.js';

export default defineIamkitCommand({
  name: 'get',
  description: "Print a group's metadata, or the value of one key",
  examples: [
    'iamkit groups metadata get acme genomics',
    'iamkit groups metadata get tiledb://acme/genomics owner',
    'iamkit groups metadata get acme genomics --json',
  ],
  usage: `${TILEDB_ASSET_USAGE} [key]`,
  rest: { name: 'key', description: 'Print only this key', single: true },
  args: { ...tiledbAssetArgs },
  async run({ positionals, ctx }) {
    const { namespace, name, rest } = takeTileDBAsset(positionals, { rest: true });
    if (rest.length > 1) throw new UsageError(`unexpected argument "${rest[1]}"`);
    const key = rest[0];
    const client = await groupsClient(ctx);
    const metadata = jsonSafeMetadata(
      await client.getGroupMetadata(namespace, name, callOptions(ctx)),
    );
    if (key === undefined) {
      // --json prints the API's own Metadata ({ entries: [...] }), as sent.
      ctx.out.record(Object.entries(metadata), { json: ctx.lastResponseBody() });
      return;
    }
    // Own keys only: `toString` or `constructor` is a metadata key, not Object's.
    if (!Object.hasOwn(metadata, key)) {
      throw new CommandError(
        `group ${tiledbUri(namespace, name)} has no metadata key "${key}"`,
        ExitCode.notFound,
      );
    }
    const value = metadata[key];
    if (ctx.flags.json) ctx.out.json(value);
    else ctx.out.value(typeof value === 'string' ? value : JSON.stringify(value));
  },
});
