import { TILEDB_ASSET_USAGE, takeTileDBAsset, tiledbAssetArgs } from '../../args.js';
import { defineIamkitCommand } from '../../command.js';
import { AnswerExit, ExitCode } from '../../errors.js';
import { callOptions, credentialsNameArg, groupsClient, tiledbUri } from './shared.js';

export default defineIamkitCommand({
  name: 'exists',
  description: 'Check that a group exists: exit 0 if it does, 3 if it does not',
  examples: [
    'iamkit groups exists acme genomics',
    'iamkit groups exists tiledb://acme/genomics || iamkit groups create tiledb://acme/genomics',
  ],
  usage: `${TILEDB_ASSET_USAGE} [flags]`,
  args: { ...tiledbAssetArgs, ...credentialsNameArg },
  async run({ args, positionals, ctx }) {
    const { namespace, name } = takeTileDBAsset(positionals);
    const client = await groupsClient(ctx);
    const exists = await client.groupExists(
      namespace,
      name,
      callOptions(ctx, args['credentials-name']),
    );
    const uri = tiledbUri(namespace, name);
    if (ctx.flags.json) ctx.out.json({ tiledb_uri: uri, exists });
    if (exists) return ctx.out.success(`Group ${uri} exists`);
    // "No" is an answer, not a failure: exit 3 says it to scripts, with no error line to
    // silence, and a person at a terminal reads it.
    ctx.out.info(`Group ${uri} does not exist`);
    throw new AnswerExit(ExitCode.notFound);
  },
});
