import { defineIamkitCommand } from '../../command.js';
import { shownSetting } from '../../config/secrets.js';
import { CommandError, ExitCode } from '../../errors.js';
import { KEY_DESCRIPTION, settingKey } from './keys.js';

export default defineIamkitCommand({
  name: 'get',
  description: 'Print the value of one setting (after precedence)',
  examples: ['iamkit config get tiledb.host', 'iamkit config get tiledb.api_key --show-secret'],
  args: {
    key: { type: 'positional', description: KEY_DESCRIPTION, required: true },
    'show-secret': { type: 'boolean', description: 'Print a secret in full instead of masked' },
  },
  async run({ args, ctx }) {
    const key = settingKey(args.key);
    const setting = (await ctx.config()).settings[key];
    if (setting.value === undefined) {
      throw new CommandError(`${key} is not set`, ExitCode.error, 'see `iamkit config list`');
    }
    const value = await shownSetting(
      { key, value: setting.value, secret: setting.secret },
      args['show-secret'],
    );
    if (ctx.out.mode === 'json') ctx.out.json({ key, value, source: setting.source });
    else ctx.out.value(value);
  },
});
