import { defineIamkitCommand } from '../command.js';
import { updateProfile } from '../config/file.js';

export default defineIamkitCommand({
  name: 'logout',
  description: 'Remove the saved credentials from a profile',
  examples: ['iamkit logout', 'iamkit logout --profile work', 'iamkit logout --authress'],
  args: {
    authress: { type: 'boolean', description: 'Remove only the Authress access key' },
    tiledb: { type: 'boolean', description: 'Remove only the TileDB credentials' },
  },
  async run({ args, ctx }) {
    const config = await ctx.config();
    const profile = config.saved;
    const both = !args.authress && !args.tiledb;
    const tiledb = both || args.tiledb === true;
    const authress = both || args.authress === true;
    const had =
      profile !== undefined &&
      ((tiledb &&
        (profile['tiledb.api_key'] !== undefined ||
          profile['tiledb.username'] !== undefined ||
          profile['tiledb.password'] !== undefined)) ||
        (authress && profile['authress.access_key'] !== undefined));
    if (!had) {
      ctx.out.info(`Profile ${config.profile} has no saved credentials; nothing to do.`);
    } else {
      await updateProfile(ctx.configPath, config.profile, {
        ...(tiledb && {
          'tiledb.api_key': undefined,
          'tiledb.username': undefined,
          'tiledb.password': undefined,
        }),
        ...(authress && { 'authress.access_key': undefined }),
      });
      ctx.out.success(`Logged out of profile ${config.profile}`);
    }
    const remaining: string[] = [];
    for (const name of ['TILEDB_REST_TOKEN', 'TILEDB_REST_PASSWORD', 'AUTHRESS_ACCESS_KEY']) {
      if (ctx.env[name]) remaining.push(name);
    }
    if (remaining.length > 0) {
      ctx.out.warn(`${remaining.join(', ')} still set in the environment; unset to log out fully`);
    }
    // Checked on the file itself: while the profile had credentials, they hid cloud.json's.
    if (tiledb && config.cloudJson.hasCredentials) {
      ctx.out.warn('~/.tiledb/cloud.json still holds credentials (iamkit never edits that file)');
    }
  },
});
